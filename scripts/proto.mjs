// `npm run proto`: lints the API (buf), regenerates the typed handler
// definitions and the embedded descriptor under src/server/generated/ (and
// for kubelet's APIs under src/kubelet/generated/), and regenerates the
// reference section of docs/api.md from the proto comments.
// `--check` regenerates nothing and fails when a generated file is stale.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  LOADER_FLAGS,
  PROTO_TARGETS,
  renderApiReference,
  renderDescriptorModule,
  replaceReference,
} from "./proto-render.mjs";

const repo = fileURLToPath(new URL("..", import.meta.url));
const protoDir = join(repo, "proto");
const docsFile = join(repo, "docs/api.md");
const check = process.argv.includes("--check");

const run = (command, args) => execFileSync(command, args, { cwd: repo, stdio: "inherit" });
// The tools from node_modules/.bin, as npx would find them, without npx's own
// start-up (about half a second each, three times per check).
const bin = (name) => join(repo, "node_modules/.bin", name);

run(bin("buf"), ["lint"]);

// Generate into a scratch directory first so --check can compare.
const scratch = mkdtempSync(join(tmpdir(), "eni-agent-proto-"));
try {
  const stale = [];
  const fresh = [];
  for (const [i, target] of PROTO_TARGETS.entries()) {
    const out = join(scratch, String(i));
    run(bin("proto-loader-gen-types"), [
      ...LOADER_FLAGS,
      "--grpcLib=@grpc/grpc-js",
      "--importFileExtension=.js",
      "--includeComments",
      "-I",
      "proto",
      "-O",
      out,
      ...target.files,
    ]);
    writeFileSync(join(out, "descriptor.ts"), renderDescriptorModule(protoDir, target.files));
    stale.push(...staleFiles(out, join(repo, target.out), target.out));
    fresh.push([out, join(repo, target.out)]);
  }
  // Formatted the way `npm run format` would, so formatting never makes it stale.
  const docs = execFileSync(bin("biome"), ["format", "--stdin-file-path=docs/api.md"], {
    cwd: repo,
    input: replaceReference(readFileSync(docsFile, "utf8"), renderApiReference(protoDir)),
    encoding: "utf8",
  });
  if (readFileSync(docsFile, "utf8") !== docs) stale.push("docs/api.md");

  if (check) {
    if (stale.length > 0) {
      console.error(`stale generated files (run npm run proto):\n  ${stale.join("\n  ")}`);
      process.exitCode = 1;
    }
  } else {
    for (const [out, target] of fresh) {
      rmSync(target, { recursive: true, force: true });
      mkdirSync(dirname(target), { recursive: true });
      execFileSync("cp", ["-r", out, target]);
    }
    writeFileSync(docsFile, docs);
    console.log(`${stale.length} generated file(s) changed`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** Files under `generated` that differ from the fresh ones under `out` (or are missing). */
function staleFiles(out, generated, shown) {
  const stale = [];
  for (const file of walk(out)) {
    const rel = relative(out, file);
    let current = null;
    try {
      current = readFileSync(join(generated, rel), "utf8");
    } catch {}
    if (current !== readFileSync(file, "utf8")) stale.push(`${shown}/${rel}`);
  }
  return stale;
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
