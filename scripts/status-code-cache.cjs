// Writes V8's code cache for the status bundle (dist/cli/status.cjs.v8cache),
// which the launcher compiles the bundle from; see bin/eni-agent.js for why.
//
//   node scripts/status-code-cache.cjs write   compile and write the cache
//   node scripts/status-code-cache.cjs check   exit 0 if V8 accepts it, else 1
//
// "write" compiles with V8's lazy compilation off, so the cache holds every
// function rather than only the top level; the flag is restored before the
// cache is made, because V8 rejects a cache made under other flags. "check"
// runs in a fresh process, as the launcher will, and proves that it worked.
"use strict";

const { readFileSync, renameSync, writeFileSync } = require("node:fs");
const v8 = require("node:v8");
const { STATUS_BUNDLE, STATUS_CODE_CACHE, compileCommonJs } = require("../bin/eni-agent.js");

const source = readFileSync(STATUS_BUNDLE, "utf8");
if (process.argv[2] === "write") {
  v8.setFlagsFromString("--no-lazy");
  const script = compileCommonJs(STATUS_BUNDLE, source, undefined);
  v8.setFlagsFromString("--lazy");
  // Whole or not at all: V8 rejects a truncated cache, but trusts the bytes
  // of one that has the right length (it checks no checksum).
  const partial = `${STATUS_CODE_CACHE}.${process.pid}`;
  writeFileSync(partial, script.createCachedData());
  renameSync(partial, STATUS_CODE_CACHE);
} else if (process.argv[2] === "check") {
  const script = compileCommonJs(STATUS_BUNDLE, source, readFileSync(STATUS_CODE_CACHE));
  process.exitCode = script.cachedDataRejected ? 1 : 0;
} else {
  process.stderr.write("usage: node scripts/status-code-cache.cjs write|check\n");
  process.exitCode = 2;
}
