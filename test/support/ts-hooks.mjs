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
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cached, compile } from "./ts-cache.mjs";

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
  const code = cached(path, source) ?? (await compile(path, source));
  return { format: "module", source: code, shortCircuit: true };
}
