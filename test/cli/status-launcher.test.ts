/**
 * The launcher starts `eni-agent status` from its own one-file bundle
 * (dist/cli/status.cjs) instead of the full CLI (dist/cli/main.js). Both are
 * run here as processes on the same inputs: everything they print and their
 * exit codes must be the same, on the sysfs path, on errors, and on the
 * daemon path (a listener that is not a daemon, and a simulated daemon).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t, { type Test } from "tap";
import { eventually } from "../agent/harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/eni-agent.js");
const MAIN = join(ROOT, "dist/cli/main.js");
const BUNDLE = join(ROOT, "dist/cli/status.cjs");
const skip =
  existsSync(MAIN) && existsSync(BUNDLE) ? false : "dist/ is missing: run `npm run build`";
const FIXTURE = join(ROOT, "test/fixtures/sysfs/ec2-mixed");
const ROOTS = ["--sysfs-root", join(FIXTURE, "sys"), "--proc-root", join(FIXTURE, "proc")];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(entry: string, argv: readonly string[]): Promise<Run> {
  const child = spawn(process.execPath, [entry, ...argv], { cwd: ROOT, env: cleanEnv() });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.ENI_AGENT_SOCKET;
  delete env.NODE_OPTIONS;
  return env;
}

/** Times differ from run to run (gRPC's last error, the daemon's records): not the output. */
function untimed(result: Run): Run {
  const iso = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;
  return {
    ...result,
    stdout: result.stdout.replace(iso, "TIME"),
    stderr: result.stderr.replace(iso, "TIME"),
  };
}

/** `eni-agent status ARGV` through the launcher, checked against the full CLI. */
async function sameAsFullCli(t: Test, argv: readonly string[]): Promise<Run> {
  const fast = await run(BIN, ["status", ...argv]);
  const full = await run(MAIN, ["status", ...argv]);
  t.same(untimed(fast), untimed(full), `status ${argv.join(" ")}`);
  return fast;
}

/** A directory short enough for a socket path (sun_path holds 108 bytes). */
function shortDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), "eal-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test("the sysfs view, its errors and help are the full CLI's", { skip }, async (t) => {
  const table = await sameAsFullCli(t, ["--all", ...ROOTS]);
  t.equal(table.code, 0);
  t.match(table.stdout, /0000:00:05\.0 .* ens5 .*\*Active\*/);
  const json = await sameAsFullCli(t, ["--json", ...ROOTS]);
  t.equal(JSON.parse(json.stdout).source, "sysfs");
  const missing = await sameAsFullCli(t, ["--json", "--sysfs-root", join(FIXTURE, "none")]);
  t.equal(missing.code, 3);
  t.match(missing.stderr, /^eni-agent status: cannot list .*\/none\/bus\/pci\/devices: ENOENT/);
  t.equal(JSON.parse(missing.stdout).exitCode, 3);
  const usage = await sameAsFullCli(t, ["--bogus"]);
  t.equal(usage.code, 2);
  const help = await sameAsFullCli(t, ["--help"]);
  t.match(help.stdout, /^NAME\n {4}eni-agent status/);
});

t.test("no socket: both say so and read sysfs", { skip }, async (t) => {
  const socket = join(shortDir(t), "none.sock");
  const result = await sameAsFullCli(t, ["--json", "--socket", socket]);
  t.equal(result.code, 0);
  t.match(result.stderr, /no socket there\); showing what sysfs says/);
});

t.test(
  "a listener that is not a daemon: the gRPC client loads, then sysfs",
  { skip },
  async (t) => {
    const socket = join(shortDir(t), "s.sock");
    const server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const result = await sameAsFullCli(t, ["--json", "--socket", socket, "--timeout", "2"]);
    t.equal(result.code, 0);
    t.match(result.stderr, /did not list devices .*; showing what sysfs says/);
  },
);

t.test("a simulated daemon: status lists its devices", { skip }, async (t) => {
  const dir = shortDir(t);
  const socket = join(dir, "agent.sock");
  const env = { ...cleanEnv(), XDG_RUNTIME_DIR: dir, TMPDIR: dir };
  const daemon: ChildProcess = spawn(
    process.execPath,
    [BIN, "serve", "--simulate", "--socket", socket],
    {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let log = "";
  daemon.stderr?.on("data", (b: Buffer) => (log += b.toString()));
  const exited = new Promise((resolve) => daemon.once("exit", resolve));
  t.teardown(async () => {
    daemon.kill("SIGTERM");
    await exited;
  });
  await eventually(() => log.includes("simulated EC2 host ready"), 20_000);
  const result = await sameAsFullCli(t, ["--json", "--socket", socket]);
  t.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  t.equal(report.source, "daemon");
  t.ok(report.devices.length > 0, "the simulated host's devices");
});
