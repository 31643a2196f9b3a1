/**
 * The optional drop-in systemd/eni-agent.service.d/memory-deny-write-execute.conf:
 * systemd-analyze sees MemoryDenyWriteExecute on with it and off without it,
 * and the daemon, run with the environment the drop-in sets, serves and
 * binds under the kernel's own deny-write-execute rule (prctl PR_SET_MDWE,
 * Linux 6.3 and later, set by a python3 shim before it execs node), where a
 * node with its JIT dies at its first compilation.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { connectAgent } from "../../src/client/client.js";
import { eventually, tempDir } from "../agent/harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const UNIT = join(ROOT, "systemd/eni-agent.service");
const DROP_IN = join(ROOT, "systemd/eni-agent.service.d/memory-deny-write-execute.conf");
const BIN = join(ROOT, "bin/eni-agent.js");
const BUILT = existsSync(join(ROOT, "dist/cli/main.js"));
const hasAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

/** Sets PR_SET_MDWE (65) with PR_MDWE_REFUSE_EXEC_GAIN (1), then execs argv. */
const MDWE_SHIM = [
  "import ctypes, os, sys",
  "libc = ctypes.CDLL(None, use_errno=True)",
  "if libc.prctl(65, 1, 0, 0, 0) != 0: sys.exit(97)",
  "os.execv(sys.argv[1], sys.argv[1:])",
].join("\n");
const mdweProbe = spawnSync("python3", ["-c", MDWE_SHIM, "/bin/true"]);
const MDWE_SKIP =
  mdweProbe.error !== undefined
    ? "no python3 to set PR_SET_MDWE"
    : mdweProbe.status === 97
      ? "this kernel has no PR_SET_MDWE (Linux 6.3 and later)"
      : false;

/** Environment= lines of the drop-in, as systemd would pass them. */
function dropInEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, key, value] of readFileSync(DROP_IN, "utf8").matchAll(
    /^Environment=(\w+)=(.*)$/gm,
  )) {
    env[key as string] = value as string;
  }
  return env;
}

function underMdwe(argv: string[], env: Record<string, string>): ChildProcess {
  return spawn("python3", ["-c", MDWE_SHIM, process.execPath, ...argv], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return { code: child.exitCode, signal: child.signalCode };
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

t.test("the drop-in turns MemoryDenyWriteExecute on, with node's JIT off", async (t) => {
  const text = readFileSync(DROP_IN, "utf8");
  t.match(text, /^\[Service\]$/m);
  t.match(text, /^MemoryDenyWriteExecute=yes$/m);
  t.match(dropInEnvironment(), { NODE_OPTIONS: /(^| )--jitless( |$)/ });
  t.match(readFileSync(UNIT, "utf8"), /^MemoryDenyWriteExecute=no$/m, "off in the unit itself");
});

t.test(
  "systemd-analyze reads the drop-in beside the unit",
  { skip: !hasAnalyze && "no systemd-analyze" },
  async (t) => {
    const dir = await tempDir(t);
    const unit = join(dir, "eni-agent.service");
    writeFileSync(
      unit,
      readFileSync(UNIT, "utf8").replace(
        /^(ExecStart(?:Post)?=)\/usr\/bin\/eni-agent/gm,
        `$1${process.execPath}`,
      ),
    );
    const analyze = () =>
      spawnSync("systemd-analyze", ["security", "--offline=true", "--no-pager", unit], {
        encoding: "utf8",
      }).stdout;
    t.match(analyze(), /✗ MemoryDenyWriteExecute=/, "without the drop-in");
    mkdirSync(join(dir, "eni-agent.service.d"));
    copyFileSync(DROP_IN, join(dir, "eni-agent.service.d/memory-deny-write-execute.conf"));
    t.match(analyze(), /✓ MemoryDenyWriteExecute=/, "with the drop-in");
    const verify = spawnSync("systemd-analyze", ["verify", unit], { encoding: "utf8" });
    t.equal(verify.status, 0, verify.stderr);
  },
);

t.test(
  "under the kernel's deny-write-execute rule",
  { skip: MDWE_SKIP || (!BUILT && "dist/ is missing: run `npm run build` first") },
  async (t) => {
    const jit = underMdwe(["-e", "let s = 0; for (let i = 0; i < 1e6; i++) s += i;"], {});
    const died = await exitOf(jit);
    t.not(died.code, 0, `node with its JIT does not survive (${died.signal ?? died.code})`);

    const dir = await tempDir(t);
    const socket = join(dir, "agent.sock");
    const daemon = underMdwe([BIN, "serve", "--simulate", "--socket", socket], dropInEnvironment());
    let stderr = "";
    daemon.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
    t.teardown(() => daemon.kill("SIGKILL"));
    await eventually(() => stderr.includes("simulated EC2 host ready") || daemon.exitCode !== null);
    if (!t.equal(daemon.exitCode, null, "the jitless daemon runs")) t.comment(stderr);

    const client = connectAgent({ socketPath: socket });
    t.teardown(() => client.close());
    const bound = await client.bindDevice({
      selector: { interfaceName: "ens6" },
      driver: "vfio-pci",
    });
    t.equal(bound.status, "OPERATION_STATUS_SUCCEEDED");
    const restored = await client.restoreDevice({ selector: { interfaceName: "ens6" } });
    t.equal(restored.status, "OPERATION_STATUS_SUCCEEDED");
    // The dry run lists the owned ENIs through the EC2 SDK, loaded on first use.
    const { plan } = await client.prepareTermination({ dryRun: true });
    t.ok((plan?.steps.length ?? 0) > 0, "the termination plan's dry run is answered");
    client.close();

    daemon.kill("SIGTERM");
    t.same(await exitOf(daemon), { code: 0, signal: null }, "a clean stop");
  },
);
