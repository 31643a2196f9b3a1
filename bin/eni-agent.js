#!/usr/bin/env node
// Launcher: the compiled CLI lives in dist/, built by `npm run build` (which
// `npm ci` runs through the `prepare` script).

// The daemon's sysfs writes can block in the kernel, each holding a libuv
// thread; the driver engine lets 8 do so at once, so the daemon needs more
// than the default 4 threads (see src/driver/write-gate.ts). libuv sizes its
// pool on first use, and the import below is that first use: set it here.
if (process.argv[2] === "serve" && process.env.UV_THREADPOOL_SIZE === undefined) {
  process.env.UV_THREADPOOL_SIZE = "16";
}
import("../dist/cli/main.js").catch((err) => {
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist")) {
    process.stderr.write("eni-agent: not built yet; run `npm run build` in the package folder\n");
    process.exit(70);
  }
  throw err;
});
