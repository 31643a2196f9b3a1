// Fills the test runner's compile cache (ts-cache.mjs) for every .ts file of
// the repository in one process, before tap starts its test processes. On a
// fresh clone the cache is empty, and otherwise the first few dozen test
// processes each start esbuild and compile, four at a time, the same
// hundreds of modules (docs/testing.md, "How long npm test takes").
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cached, compile } from "./ts-cache.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIRECTORIES = ["src", "test", "bench", "scripts", "examples"];

function* typeScriptFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) yield path;
  }
}

const started = performance.now();
let compiled = 0;
let files = 0;
const work = [];
for (const dir of DIRECTORIES) {
  for (const path of typeScriptFiles(join(ROOT, dir))) {
    files++;
    const source = readFileSync(path, "utf8");
    if (cached(path, source) !== null) continue;
    compiled++;
    work.push(compile(path, source));
  }
}
await Promise.all(work);
const ms = Math.round(performance.now() - started);
console.log(`TypeScript cache: ${compiled} of ${files} files compiled (${ms} ms)`);
