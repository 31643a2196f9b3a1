/**
 * Invariant 2 across real processes: a child runs a bind or a restore on a
 * simulated kernel persisted to a file after every change and on a file
 * journal; the parent SIGKILLs it at a step boundary; a fresh engine in this
 * process loads both and recovers. The device ends at target or snapshot,
 * with no override the operation did not mean to leave.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import t from "tap";
import { steppingClock } from "../../src/driver/clock.js";
import { DriverEngine } from "../../src/driver/engine.js";
import { FileJournal } from "../../src/driver/file-journal.js";
import { ec2Host, loadKernelState, saveKernelState } from "../../src/sim/index.js";

const DEVICE = "0000:00:06.0";
const CHILD = join(import.meta.dirname, "crash-child.ts");

/** Runs the child until it prints "AT <stopAt>" (then kills it) or exits; returns the boundaries seen. */
function runChild(args: string[], stopAt: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args, stopAt], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const seen: string[] = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (!line.startsWith("AT ")) return;
      seen.push(line.slice(3));
      if (line.slice(3) === stopAt) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL" || code === 0) resolve(seen);
      else reject(new Error(`child exited with ${code ?? signal}`));
    });
  });
}

async function recoverIn(kernelFile: string, stateDir: string) {
  const kernel = loadKernelState(kernelFile);
  const engine = new DriverEngine(
    {
      sysfs: kernel.sysfs,
      journal: new FileJournal({ stateDir }),
      holders: kernel.holders,
      routes: { defaultRoutes: async () => [] },
      primary: { primary: async () => null },
      addresses: { addresses: async () => [] },
      kernelRelease: kernel.config.release,
      clock: steppingClock(),
    },
    { verifyTimeoutMs: 200, verifyPollMs: 10 },
  );
  const report = await engine.recover();
  return { kernel, engine, report };
}

for (const op of ["bind:vfio-pci", "restore"] as const) {
  t.test(`SIGKILL at every boundary of ${op}`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "crash-"));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const prepare = async (name: string) => {
      const kernelFile = join(dir, `${name}.json`);
      const stateDir = join(dir, name);
      saveKernelState(ec2Host({ enis: 2 }), kernelFile);
      // A restore starts from a committed bind made by an earlier process.
      if (op === "restore") await runChild([kernelFile, stateDir, "bind:vfio-pci", DEVICE], "none");
      return { kernelFile, stateDir };
    };
    // A clean run lists the boundaries to kill at.
    const clean = await prepare("clean");
    const boundaries = await runChild([clean.kernelFile, clean.stateDir, op, DEVICE], "none");
    t.ok(boundaries.includes("begun") && boundaries.includes("ended"), boundaries.join(" "));
    for (const at of boundaries) {
      const run = await prepare(at.replace(":", "-"));
      const seen = await runChild([run.kernelFile, run.stateDir, op, DEVICE], at);
      t.equal(seen.at(-1), at, `killed at ${at}`);
      const { kernel, engine, report } = await recoverIn(run.kernelFile, run.stateDir);
      t.same(report.problems, [], `${at}: journal readable`);
      t.ok(
        engine.operations().every((o) => o.status === "committed" || o.status === "rolled_back"),
        `${at}: every operation resolved`,
      );
      const dev = kernel.device(DEVICE)!;
      const onVfio = dev.driver === "vfio-pci" && dev.driverOverride === "vfio-pci";
      const onEna = dev.driver === "ena" && dev.driverOverride === null && dev.net !== null;
      t.ok(
        onVfio || onEna,
        `${at}: target or snapshot, override consistent (${dev.driver}/${dev.driverOverride})`,
      );
      t.same(report.drift, [], `${at}: no override left unexplained`);
    }
  });
}
