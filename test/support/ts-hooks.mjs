// Module hooks that let node run this repository's TypeScript: a relative
// `./x.js` import from a .ts file finds `./x.ts` (the NodeNext convention the
// sources follow), and a .ts file is compiled by esbuild, as the build does.
// Node 20 runs these hooks on a separate thread (registered by ts-loader.mjs).
//
// Compiled output is kept in node_modules/.cache/eni-agent-ts, keyed by a
// hash of the source text, its path and the compiler's version and options:
// with a warm cache a test process never starts esbuild, and an edited file
// simply gets a new key. Every test file is its own process, so what a
// process does before its first test is paid once per file: this does less
// of it than a general-purpose loader (docs/testing.md has the numbers).
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

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (
    parent?.startsWith("file:") &&
    parent.endsWith(".ts") &&
    specifier.endsWith(".js") &&
    (specifier.startsWith("./") || specifier.startsWith("../"))
  ) {
    const ts = new URL(`${specifier.slice(0, -3)}.ts`, parent);
    if (existsSync(ts)) return { url: ts.href, format: "module", shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts") || url.includes("/node_modules/")) {
    return nextLoad(url, context);
  }
  const path = fileURLToPath(url);
  const source = readFileSync(path, "utf8");
  const key = createHash("sha256").update(OPTIONS_KEY).update(`\0${path}\0`).update(source);
  const cached = join(CACHE, `${key.digest("hex")}.js`);
  if (existsSync(cached)) {
    return { format: "module", source: readFileSync(cached, "utf8"), shortCircuit: true };
  }
  esbuild ??= import("esbuild");
  const { code } = await (await esbuild).transform(source, { ...OPTIONS, sourcefile: path });
  // Test files run in parallel and may compile the same module at once: each
  // writes its own temporary file, and the rename makes either one whole.
  mkdirSync(CACHE, { recursive: true });
  const temporary = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temporary, code);
  renameSync(temporary, cached);
  return { format: "module", source: code, shortCircuit: true };
}
