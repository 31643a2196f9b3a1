#!/usr/bin/env node
// Launcher: the compiled CLI lives in dist/, built by `npm run build` (which
// `npm ci` runs through the `prepare` script).
//
// This file is CommonJS (bin/package.json says so): `eni-agent status` must
// start about as fast as node itself, and starting from an ES module costs
// node 20 a few milliseconds of loader set-up that a CommonJS start does not.
// For the same reason status gets its own one-file CommonJS bundle, loaded
// with a synchronous require; every other command loads the ES module build,
// whose code splitting keeps each command to the chunks it uses (see
// scripts/build.mjs).
"use strict";

const command = process.argv[2];

// The daemon's sysfs writes can block in the kernel, each holding a libuv
// thread; the driver engine lets 8 do so at once, so the daemon needs more
// than the default 4 threads (see src/driver/write-gate.ts). libuv sizes its
// pool on first use, and the import below is that first use: set it here.
if (command === "serve" && process.env.UV_THREADPOOL_SIZE === undefined) {
  process.env.UV_THREADPOOL_SIZE = "16";
}

/** A missing dist/ means nobody ran the build: say so instead of a stack trace. */
function exitIfNotBuilt(err) {
  const missing = err && (err.code === "ERR_MODULE_NOT_FOUND" || err.code === "MODULE_NOT_FOUND");
  if (missing && String(err.message).includes("dist")) {
    process.stderr.write("eni-agent: not built yet; run `npm run build` in the package folder\n");
    process.exit(70);
  }
}

if (command === "status") {
  try {
    require("../dist/cli/status.cjs");
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
