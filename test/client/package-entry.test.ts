/**
 * The package entry "eni-agent/client" as a controller's project sees it:
 * package.json `exports` leads TypeScript to the declarations the build
 * emitted (dist/types) and node to the bundle (dist/client); `npm pack`
 * ships both. Needs the build (`npm run build`; `npm test` runs it first).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t, { type Test } from "tap";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUNDLE = join(ROOT, "dist/client/index.js");
const DECLARATIONS = join(ROOT, "dist/types/client/index.d.ts");
const skip =
  existsSync(BUNDLE) && existsSync(DECLARATIONS) ? false : "dist/ is missing: run `npm run build`";

/** What a controller would write: connect, read a status, branch on the error code. */
const CONSUMER = `
import { connectAgent, type EniStatus, isAgentError } from "eni-agent/client";

export async function boundDriver(eniId: string): Promise<string | null> {
  const client = connectAgent({ socketPath: "/run/eni-agent/eni-agent.sock" }, { deadlineMs: 5_000 });
  try {
    const status: EniStatus = await client.getEni(eniId);
    return status.phase === "ENI_PHASE_BOUND" ? status.driver : null;
  } catch (err) {
    if (isAgentError(err) && err.code === "NOT_FOUND") return null;
    throw err;
  } finally {
    client.close();
  }
}
`;

/** The same client misused: types that came through as \`any\` would let both pass. */
const MISUSE = `
import { connectAgent } from "eni-agent/client";

const client = connectAgent({ socketPath: "/run/eni-agent/eni-agent.sock" });
export const wrongArgument = client.getEni(42);
export const noSuchPhase: boolean = (await client.getEni("eni-0123456789abcdef0")).phase === "BOUND";
`;

/** A project outside this repository with eni-agent in its node_modules (a link to this one). */
function consumerProject(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), "eaconsumer-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules/eni-agent"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "consumer.ts"), CONSUMER);
  writeFileSync(join(dir, "misuse.ts"), MISUSE);
  return dir;
}

t.test("a consumer type-checks against the emitted declarations", { skip }, async (t) => {
  const dir = consumerProject(t);
  const program = ts.createProgram([join(dir, "consumer.ts"), join(dir, "misuse.ts")], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [join(ROOT, "node_modules/@types")],
  });
  const entry = program
    .getSourceFiles()
    .map((f) => f.fileName)
    .find((name) => name.endsWith("/client/index.d.ts"));
  t.equal(entry, DECLARATIONS, "eni-agent/client resolves to the emitted declarations");

  const errors = (file: string) =>
    ts
      .getPreEmitDiagnostics(program, program.getSourceFile(join(dir, file)))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  t.same(errors("consumer.ts"), [], "the controller's code type-checks");
  t.match(errors("misuse.ts"), [
    /Argument of type 'number' is not assignable to parameter of type 'string'/,
    /This comparison appears to be unintentional/,
  ]);
});

t.test("node resolves eni-agent/client to the bundle", { skip }, async (t) => {
  const dir = consumerProject(t);
  const script = `
    import { connectAgent, AgentError, simulatedSocketPath } from "eni-agent/client";
    const client = connectAgent({ socketPath: simulatedSocketPath(process.env) });
    client.close();
    console.log(JSON.stringify({
      url: import.meta.resolve("eni-agent/client"),
      error: new AgentError("NOT_FOUND", "x").code,
    }));`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  t.equal(code, 0, "the import ran", { output: out });
  const answer = JSON.parse(out) as { url: string; error: string };
  // Through the link in node_modules, which node follows to the real path.
  t.equal(fileURLToPath(answer.url), BUNDLE);
  t.equal(answer.error, "NOT_FOUND");
});

t.test("npm pack ships the entry and its declarations", { skip }, async (t) => {
  const child = spawn("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  t.equal(code, 0);
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  const files = new Set(pack?.files.map((f) => f.path));
  for (const file of [
    "package.json",
    "dist/client/index.js",
    "dist/types/client/index.d.ts",
    "dist/types/client/client.d.ts",
    "dist/types/common/agent-error.d.ts",
    "dist/types/server/generated/eniagent/v1/EniStatus.d.ts",
  ]) {
    t.ok(files.has(file), `${file} is in the package`);
  }
  t.notOk(
    [...files].some((f) => f.startsWith("src/")),
    "no source: the entry's source condition is for this repository only",
  );
});
