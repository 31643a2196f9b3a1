/**
 * Invariant 2 across real processes: a child runs a bind or a restore on a
 * simulated kernel persisted to a file after every change and on a file
 * journal; the parent SIGKILLs it at a step boundary; a fresh engine in this
 * process loads both and recovers. The device ends at target or snapshot,
 * with no override the operation did not mean to leave.
 */
import { spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import t from "tap";
import { steppingClock } from "../../src/driver/clock.js";
import { DriverEngine } from "../../src/driver/engine.js";
import { FileJournal } from "../../src/driver/file-journal.js";
import { ec2Host, loadKernelState, saveKernelState } from "../../src/sim/index.js";
import { tsNodeArgs } from "../support/ts-node.js";

const DEVICE = "0000:00:06.0";
const CHILD = join(import.meta.dirname, "crash-child.ts");

/** Runs the child until it prints "AT <stopAt>" (then kills it) or exits; returns the boundaries seen. */
function runChild(args: string[], stopAt: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, tsNodeArgs(CHILD, ...args, stopAt), {
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
    // Every run starts from a copy of one starting point; for a restore, that
    // is a committed bind made by an earlier process.
    const start = { kernelFile: join(dir, "start.json"), stateDir: join(dir, "start") };
    saveKernelState(ec2Host({ enis: 2 }), start.kernelFile);
    if (op === "restore") {
      await runChild([start.kernelFile, start.stateDir, "bind:vfio-pci", DEVICE], "none");
    }
    const prepare = async (name: string) => {
      const run = { kernelFile: join(dir, `${name}.json`), stateDir: join(dir, name) };
      await cp(start.kernelFile, run.kernelFile);
      if (op === "restore") await cp(start.stateDir, run.stateDir, { recursive: true });
      return run;
    };
    // A clean run lists the boundaries to kill at.
    const clean = await prepare("clean");
    const boundaries = await runChild([clean.kernelFile, clean.stateDir, op, DEVICE], "none");
    t.ok(boundaries.includes("begun") && boundaries.includes("ended"), boundaries.join(" "));
    // Each kill has its own copy, so the children run side by side (each
    // costs a node start-up); recovery and the checks then go in order.
    const killed = await Promise.all(
      boundaries.map(async (at) => {
        const run = await prepare(at.replace(":", "-"));
        return { at, run, seen: await runChild([run.kernelFile, run.stateDir, op, DEVICE], at) };
      }),
    );
    for (const { at, run, seen } of killed) {
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
