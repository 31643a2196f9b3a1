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
// The launcher (bin/eni-agent.js) picks the file. npm packages stay external
// and resolve from node_modules; linked source maps serve both outputs.
import { rmSync } from "node:fs";
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
    // import() becomes require(): nothing in this file needs the ES module loader.
    supported: { "dynamic-import": false },
  }),
]);
