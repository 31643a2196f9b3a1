/**
 * The launcher starts `eni-agent status` from its own one-file bundle
 * (dist/cli/status.cjs) instead of the full CLI (dist/cli/main.js). Both are
 * run here as processes on the same inputs: everything they print and their
 * exit codes must be the same, on the sysfs path, on errors, and on the
 * daemon path (a listener that is not a daemon, and a simulated daemon), and
 * when the reader of standard output goes away (status writes it with
 * write(2) rather than through process.stdout).
 * The launcher compiles that bundle from V8's code cache: a cache that does
 * not fit (other V8 flags, truncated, older than an edited bundle) must not
 * change what runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
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

/**
 * Runs node as a user's shell would. The test runner instruments every node
 * it spawns (NODE_OPTIONS, put back after any change to `env`), and that
 * instrumentation turns source maps on, which makes the launcher skip the
 * code cache: `env -u` removes it after the runner's last word.
 */
function run(
  entry: string,
  argv: readonly string[],
  nodeFlags: readonly string[] = [],
  { closeStdout = false } = {},
): Promise<Run> {
  const unset = ["-u", "NODE_OPTIONS", "-u", "ENI_AGENT_SOCKET"];
  const child = spawn("env", [...unset, process.execPath, ...nodeFlags, entry, ...argv], {
    cwd: ROOT,
  });
  // A reader that goes away before anything is written (`status | true`).
  if (closeStdout) child.stdout.destroy();
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

/**
 * What differs from run to run without either side doing anything else:
 * times (gRPC's last error, the daemon's records), and which error gRPC saw
 * first on a connection the listener drops (ECONNRESET or a failed connect).
 */
function normalized(result: Run): Run {
  const clean = (text: string) =>
    text
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "TIME")
      .replace(/Last error: .*? \(TIME\)/g, "Last error: ERROR (TIME)");
  return { ...result, stdout: clean(result.stdout), stderr: clean(result.stderr) };
}

/** `eni-agent status ARGV` through the launcher, checked against the full CLI. */
async function sameAsFullCli(t: Test, argv: readonly string[]): Promise<Run> {
  const [fast, full] = await Promise.all([
    run(BIN, ["status", ...argv]),
    run(MAIN, ["status", ...argv]),
  ]);
  t.same(normalized(fast), normalized(full), `status ${argv.join(" ")}`);
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

t.test("a reader that goes away early is no error", { skip }, async (t) => {
  const argv = ["status", "--all", "--json", ...ROOTS];
  const fast = await run(BIN, argv, [], { closeStdout: true });
  t.same(fast, { code: 0, stdout: "", stderr: "" });
  t.same(await run(MAIN, argv, [], { closeStdout: true }), fast);
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
  const env = { ...process.env, XDG_RUNTIME_DIR: dir, TMPDIR: dir };
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
  await eventually(() => log.includes("simulated EC2 host ready"));
  const result = await sameAsFullCli(t, ["--json", "--socket", socket]);
  t.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  t.equal(report.source, "daemon");
  t.ok(report.devices.length > 0, "the simulated host's devices");
});

t.test("the build leaves a code cache that this node accepts", { skip }, async (t) => {
  const check = await run(join(ROOT, "scripts/status-code-cache.cjs"), ["check"]);
  t.equal(check.code, 0, "accepted");
  // Other V8 flags stand for another node build: V8 refuses the cache...
  const other = ["--max-old-space-size=300"];
  const refused = await run(join(ROOT, "scripts/status-code-cache.cjs"), ["check"], other);
  t.equal(refused.code, 1, "rejected under other flags");
  // ...and status compiles from the source instead.
  const full = await run(MAIN, ["status", "--all", ...ROOTS]);
  t.same(await run(BIN, ["status", "--all", ...ROOTS], other), full);
  // Source maps apply only to what node's loader compiles: no cache then.
  t.same(await run(BIN, ["status", "--all", ...ROOTS], ["--enable-source-maps"]), full);
});

/** A copy of the launcher and dist/ whose files a test may change. */
function copyOfBuild(t: Test): { bin: string; bundle: string; cache: string } {
  const dir = t.testdir({});
  cpSync(join(ROOT, "bin"), join(dir, "bin"), { recursive: true });
  cpSync(join(ROOT, "dist/cli"), join(dir, "dist/cli"), { recursive: true });
  const bundle = join(dir, "dist/cli/status.cjs");
  return { bin: join(dir, "bin/eni-agent.js"), bundle, cache: `${bundle}.v8cache` };
}

t.test("a bundle edited after the build runs as edited", { skip }, async (t) => {
  const copy = copyOfBuild(t);
  const source = readFileSync(copy.bundle, "utf8");
  const edited = source.replace("Network devices using", "Netwerk devices using");
  t.equal(edited.length, source.length, "same length: V8's own check cannot tell");
  writeFileSync(copy.bundle, edited);
  const cacheTime = statSync(copy.cache).mtime;
  const argv = ["status", ...ROOTS];
  utimesSync(copy.bundle, cacheTime, new Date(cacheTime.getTime() + 2_000));
  t.match((await run(copy.bin, argv)).stdout, /^Netwerk devices using/, "newer: compiled afresh");
  // The control: were the cache taken, the old code would run.
  utimesSync(copy.bundle, cacheTime, new Date(cacheTime.getTime() - 2_000));
  t.match((await run(copy.bin, argv)).stdout, /^Network devices using/, "older: cache used");
});

t.test("a truncated code cache is refused, not run", { skip }, async (t) => {
  const copy = copyOfBuild(t);
  truncateSync(copy.cache, 4096);
  const table = await run(copy.bin, ["status", "--all", ...ROOTS]);
  t.same(table, await run(MAIN, ["status", "--all", ...ROOTS]));
});
