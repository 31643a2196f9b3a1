#!/usr/bin/env node
// Launcher: the compiled CLI lives in dist/, built by `npm run build` (which
// `npm ci` runs through the `prepare` script).
import("../dist/cli/main.js").catch((err) => {
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist")) {
    process.stderr.write("eni-agent: not built yet; run `npm run build` in the package folder\n");
    process.exit(70);
  }
  throw err;
});
