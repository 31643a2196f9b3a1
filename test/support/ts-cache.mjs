// The compile cache that ts-hooks.mjs reads: esbuild's output for each .ts
// file of this repository, in node_modules/.cache/eni-agent-ts, keyed by a
// hash of the source text, its path and the compiler's version and options.
// warm-ts-cache.mjs fills it in one process before a test run.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = new URL("../../", import.meta.url);
const CACHE = fileURLToPath(new URL("node_modules/.cache/eni-agent-ts/", ROOT));
const { compilerOptions } = JSON.parse(readFileSync(new URL("tsconfig.json", ROOT), "utf8"));
const ESBUILD_VERSION = JSON.parse(
  readFileSync(new URL("node_modules/esbuild/package.json", ROOT), "utf8"),
).version;
const OPTIONS = {
  loader: "ts",
  format: "esm",
  // The running node, not "node20": esbuild drops what the oldest node 20
  // lacks, import attributes among them (`with { type: "json" }`).
  target: `node${process.versions.node}`,
  // Inline, so that --enable-source-maps (which tap turns on) and tap's own
  // failure locations name the .ts line; the source itself is on disk.
  sourcemap: "inline",
  sourcesContent: false,
  tsconfigRaw: { compilerOptions },
};
const OPTIONS_KEY = `${ESBUILD_VERSION}\0${JSON.stringify(OPTIONS)}`;

/** @type {Promise<typeof import("esbuild")> | undefined} */
let esbuild;

/** Where the output for `source` at `path` is (or would be) kept. */
function cachePath(path, source) {
  const key = createHash("sha256").update(OPTIONS_KEY).update(`\0${path}\0`).update(source);
  return join(CACHE, `${key.digest("hex")}.js`);
}

/** The cached output for the .ts file at `path`, or null. */
export function cached(path, source) {
  const file = cachePath(path, source);
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

/** Compiles the .ts file at `path` and keeps the output; returns it. */
export async function compile(path, source) {
  esbuild ??= import("esbuild");
  const { code } = await (await esbuild).transform(source, { ...OPTIONS, sourcefile: path });
  // Test files run in parallel and may compile the same module at once: each
  // writes its own temporary file, and the rename makes either one whole.
  const file = cachePath(path, source);
  mkdirSync(CACHE, { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temporary, code);
  renameSync(temporary, file);
  return code;
}
