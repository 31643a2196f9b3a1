#!/usr/bin/env node
// Launcher: the compiled CLI lives in dist/, built by `npm run build` (which
// `npm ci` runs through the `prepare` script).
//
// This file is CommonJS (bin/package.json says so): `eni-agent status` must
// start about as fast as node itself, and starting from an ES module costs
// node 20 a few milliseconds of loader set-up that a CommonJS start does not.
// For the same reason status gets its own one-file CommonJS bundle, compiled
// here from V8's code cache when the build left a usable one; every other
// command loads the ES module build, whose code splitting keeps each command
// to the chunks it uses (see scripts/build.mjs).
"use strict";

const { join } = require("node:path");

const STATUS_BUNDLE = join(__dirname, "../dist/cli/status.cjs");
/** V8's code cache for STATUS_BUNDLE, written by scripts/status-code-cache.cjs. */
const STATUS_CODE_CACHE = `${STATUS_BUNDLE}.v8cache`;

/**
 * Compiles a CommonJS file the way node's loader would (same wrapper), from
 * `cachedData` when given. V8 checks the cache against its own version, its
 * flags and the source's length, and compiles from scratch when any differs
 * (`script.cachedDataRejected`). The build uses this function too, so the
 * cache it writes is for exactly this compilation.
 */
function compileCommonJs(file, source, cachedData) {
  const { Script } = require("node:vm");
  return new Script(require("node:module").wrap(source), { filename: file, cachedData });
}

/**
 * Runs the status bundle. Node 20 keeps no compile cache of its own, and
 * compiling the bundle and then each function on its first call is a good
 * part of what status costs above `node -e 0`; the code cache holds every
 * function already compiled.
 */
function runStatus() {
  const cached = readStatusCodeCache();
  if (cached === undefined) {
    require(STATUS_BUNDLE);
    return;
  }
  const script = compileCommonJs(STATUS_BUNDLE, cached.source, cached.data);
  const module = { exports: {} };
  const { createRequire } = require("node:module");
  script
    .runInThisContext()
    .call(
      module.exports,
      module.exports,
      createRequire(STATUS_BUNDLE),
      module,
      STATUS_BUNDLE,
      join(STATUS_BUNDLE, ".."),
    );
}

/** The bundle's source and its code cache, or undefined when the cache must not be used. */
function readStatusCodeCache() {
  // Source maps (--enable-source-maps) apply only to code that node's own
  // loaders compile; so does the check on older node 20 releases that cannot tell.
  if (process.sourceMapsEnabled !== false) return undefined;
  const fs = require("node:fs");
  try {
    // V8 would take a cache of an edited bundle of the same length: a bundle
    // newer than its cache was changed after the build, so compile it afresh.
    if (fs.statSync(STATUS_CODE_CACHE).mtimeMs < fs.statSync(STATUS_BUNDLE).mtimeMs) {
      return undefined;
    }
    return {
      data: fs.readFileSync(STATUS_CODE_CACHE),
      source: fs.readFileSync(STATUS_BUNDLE, "utf8"),
    };
  } catch {
    return undefined; // no cache (or no build: require says so)
  }
}

/** A missing dist/ means nobody ran the build: say so instead of a stack trace. */
function exitIfNotBuilt(err) {
  const missing = err && (err.code === "ERR_MODULE_NOT_FOUND" || err.code === "MODULE_NOT_FOUND");
  if (missing && String(err.message).includes("dist")) {
    process.stderr.write("eni-agent: not built yet; run `npm run build` in the package folder\n");
    process.exit(70);
  }
}

if (require.main !== module) {
  // Required by the build, for compileCommonJs: run nothing.
  module.exports = { STATUS_BUNDLE, STATUS_CODE_CACHE, compileCommonJs };
} else {
  const command = process.argv[2];

  // The daemon's sysfs writes can block in the kernel, each holding a libuv
  // thread; the driver engine lets 8 do so at once, so the daemon needs more
  // than the default 4 threads (see src/driver/write-gate.ts). libuv sizes its
  // pool on first use, and the import below is that first use: set it here.
  if (command === "serve" && process.env.UV_THREADPOOL_SIZE === undefined) {
    process.env.UV_THREADPOOL_SIZE = "16";
  }

  if (command === "status") {
    try {
      runStatus();
    } catch (err) {
      exitIfNotBuilt(err);
      throw err;
    }
  } else {
    import("../dist/cli/main.js").catch((err) => {
      exitIfNotBuilt(err);
      throw err;
    });
  }
}
