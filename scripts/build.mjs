// Bundles the CLI (and through it the daemon) into dist/ with esbuild, twice:
//
// - dist/cli/main.js: every command, as ES modules with code splitting, so
//   that a command loads only its own chunks (the gRPC and AWS code stay out
//   of everything that does not talk to them).
// - dist/cli/status.cjs: `eni-agent status` alone, as ONE CommonJS file. Why:
//   status must start in about the time node itself takes, and on Node 20
//   each step the ES module build adds is measurable there: the ES module
//   loader itself (a few ms over a CommonJS start), one file read, parse and
//   link per chunk (status reached about 15), and the asynchronous import
//   chain. A single CommonJS file is one synchronous read and one compile.
//   The daemon branch of status (gRPC client) is in that file too, but only
//   evaluated when a daemon answers, so it costs little more than its bytes.
//
// - dist/client/index.js: the package entry "eni-agent/client" (package.json
//   exports) for controllers, one ES module, with its declarations emitted
//   by tsc into dist/types (tsconfig.client.json): esbuild emits no types.
//
// The launcher (bin/eni-agent.js) picks the file, and compiles status.cjs
// from the V8 code cache written last (scripts/status-code-cache.cjs): that
// saves status compiling its functions, about 1.5 ms of its start. npm packages
// stay external and resolve from node_modules; linked source maps serve both
// outputs (the launcher skips the cache under --enable-source-maps).
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
};

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
// tsc takes longer than the bundles: it runs alongside them, in its own process.
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
const declarations = new Promise((resolve) => {
  spawn(process.execPath, [tsc, "-p", "tsconfig.client.json"], {
    stdio: "inherit",
    cwd: fileURLToPath(new URL("..", import.meta.url)),
  }).once("exit", resolve);
});
await Promise.all([
  build({
    ...common,
    entryPoints: { "cli/main": "src/cli/main.ts" },
    outdir: "dist",
    splitting: true,
    format: "esm",
    chunkNames: "chunks/[name]-[hash]",
  }),
  build({
    ...common,
    entryPoints: { "cli/status": "src/cli/status-main.ts" },
    outdir: "dist",
    outExtension: { ".js": ".cjs" },
    format: "cjs",
    // import() becomes require(): nothing in this file needs the ES module
    // loader, and code the launcher compiles through vm.Script (to use the code
    // cache) could not call import() without a loader callback anyway.
    supported: { "dynamic-import": false },
  }),
  build({
    ...common,
    entryPoints: { "client/index": "src/client/index.ts" },
    outdir: "dist",
    format: "esm",
  }),
]);

if ((await declarations) !== 0) throw new Error("could not emit the client's declarations");

// A fresh process for each step: "write" changes V8 flags, and "check" must
// see the cache as the launcher will. Both without NODE_OPTIONS: V8 flags in
// it (--max-old-space-size, say) would make a cache that a plain
// `eni-agent status` rejects. A cache V8 rejects is removed, so that the
// launcher does not read it for nothing; status then compiles as usual.
const codeCache = fileURLToPath(new URL("./status-code-cache.cjs", import.meta.url));
const { NODE_OPTIONS: _, ...plainEnv } = process.env;
const step = (what) =>
  spawnSync(process.execPath, [codeCache, what], { stdio: "inherit", env: plainEnv }).status;
if (step("write") !== 0) throw new Error("could not write the status code cache");
if (step("check") !== 0) {
  rmSync(new URL("../dist/cli/status.cjs.v8cache", import.meta.url), { force: true });
  console.warn("build: V8 rejected the status code cache; status will compile at start");
}
