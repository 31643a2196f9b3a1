// `npm run proto`: lints the API (buf), regenerates the typed handler
// definitions and the embedded descriptor under src/server/generated/, and
// regenerates the reference section of docs/api.md from the proto comments.
// `--check` regenerates nothing and fails when a generated file is stale.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  LOADER_FLAGS,
  PROTO_FILES,
  renderApiReference,
  renderDescriptorModule,
  replaceReference,
} from "./proto-render.mjs";

const repo = fileURLToPath(new URL("..", import.meta.url));
const protoDir = join(repo, "proto");
const generatedDir = join(repo, "src/server/generated");
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
  run(bin("proto-loader-gen-types"), [
    ...LOADER_FLAGS,
    "--grpcLib=@grpc/grpc-js",
    "--importFileExtension=.js",
    "--includeComments",
    "-I",
    "proto",
    "-O",
    scratch,
    ...PROTO_FILES,
  ]);
  writeFileSync(join(scratch, "descriptor.ts"), renderDescriptorModule(protoDir));
  // Formatted the way `npm run format` would, so formatting never makes it stale.
  const docs = execFileSync(bin("biome"), ["format", "--stdin-file-path=docs/api.md"], {
    cwd: repo,
    input: replaceReference(readFileSync(docsFile, "utf8"), renderApiReference(protoDir)),
    encoding: "utf8",
  });

  const stale = [];
  for (const file of walk(scratch)) {
    const rel = relative(scratch, file);
    const target = join(generatedDir, rel);
    const fresh = readFileSync(file, "utf8");
    let current = null;
    try {
      current = readFileSync(target, "utf8");
    } catch {}
    if (current !== fresh) stale.push(`src/server/generated/${rel}`);
  }
  if (readFileSync(docsFile, "utf8") !== docs) stale.push("docs/api.md");

  if (check) {
    if (stale.length > 0) {
      console.error(`stale generated files (run npm run proto):\n  ${stale.join("\n  ")}`);
      process.exitCode = 1;
    }
  } else {
    rmSync(generatedDir, { recursive: true, force: true });
    execFileSync("cp", ["-r", scratch, generatedDir]);
    writeFileSync(docsFile, docs);
    console.log(`${stale.length} generated file(s) changed`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
