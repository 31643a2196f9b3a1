/**
 * Start-up: unfinished operations are resolved before anything else runs,
 * journal damage is reported without crashing, and driver_override drift is
 * reported (and cleared when configured). The in-process crash here stops a
 * transaction at a boundary by throwing from the boundary hook; the
 * cross-process SIGKILL version is crash.test.ts.
 */
import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { steppingClock } from "../../src/driver/clock.js";
import { DriverEngine } from "../../src/driver/engine.js";
import { MemoryJournal } from "../../src/driver/memory-journal.js";
import { ec2Host, type SimKernel } from "../../src/sim/index.js";
import { harness, TEST_OPTIONS } from "./engine-harness.js";
import { engineOn as engineWith } from "./journal-fixtures.js";

const A = "0000:00:06.0" as PciAddress;
const B = "0000:00:07.0" as PciAddress;

class Crash extends Error {}

function engineOn(kernel: SimKernel, journal: MemoryJournal, crashAt?: string) {
  return engineWith(kernel, journal, {
    boundary: (_, at) => {
      if (at === crashAt) throw new Crash(at);
    },
  });
}

const BOUNDARIES = ["begun", "step:0", "step:1", "step:2", "step:3", "verified", "ended"];

for (const op of ["bind", "restore"] as const) {
  t.test(`${op}: a crash at every boundary is resolved at the next start`, async (t) => {
    for (const at of BOUNDARIES) {
      const kernel = ec2Host({ enis: 2 });
      const journal = new MemoryJournal();
      const first = engineOn(kernel, journal, op === "bind" ? at : undefined);
      await first.recover();
      await first.bind(A, "vfio-pci" as DriverName).catch((e) => {
        if (!(e instanceof Crash)) throw e;
      });
      if (op === "restore") {
        const second = engineOn(kernel, journal, at);
        await second.recover();
        await second.restore(A).catch((e) => {
          if (!(e instanceof Crash)) throw e;
        });
      }
      const restarted = engineOn(kernel, new MemoryJournal(journal.text()));
      const report = await restarted.recover();
      t.same(report.problems, [], `${at}: journal intact`);
      t.ok(
        restarted.operations().every((o) => o.status === "committed" || o.status === "rolled_back"),
        `${at}: nothing left open`,
      );
      const dev = kernel.device(A)!;
      const onVfio = dev.driver === "vfio-pci" && dev.driverOverride === "vfio-pci";
      const onEna = dev.driver === "ena" && dev.driverOverride === null && dev.net !== null;
      t.ok(onVfio || onEna, `${at}: at target or snapshot (${dev.driver}/${dev.driverOverride})`);
      t.same(report.drift, [], `${at}: no unexplained override`);
    }
  });
}

t.test("work is refused until recovery has run", async (t) => {
  const { engine } = await harness(ec2Host(), { recover: false });
  await t.rejects(engine.bind(A, "vfio-pci" as DriverName), {
    code: "UNAVAILABLE",
    message: /recovering/,
  });
});

t.test("a torn journal tail is reported, compacted away, and does not stop start-up", async (t) => {
  const kernel = ec2Host({ enis: 2 });
  const journal = new MemoryJournal();
  const first = engineOn(kernel, journal);
  await first.recover();
  await first.bind(A, "vfio-pci" as DriverName);
  journal.injectFault(1, { kind: "tear" });
  await first.restore(A).catch(() => undefined);
  const again = new MemoryJournal(journal.text());
  const report = await engineOn(kernel, again).recover();
  t.same(
    report.problems.map((p) => p.kind),
    ["torn"],
  );
  const reloaded = await again.load();
  t.same(reloaded.problems, [], "compaction rewrote the journal without the torn record");
});

t.test("driver_override drift is reported, and cleared when configured", async (t) => {
  const kernel = ec2Host({ enis: 3 });
  await kernel.sysfs.write(`bus/pci/devices/${B}/driver_override`, "vfio-pci");
  const report = await engineOn(kernel, new MemoryJournal()).recover();
  t.same(report.drift, [{ device: B, override: "vfio-pci", driver: "ena", repaired: false }]);
  t.equal(kernel.device(B)?.driverOverride, "vfio-pci", "report only by default");

  const journal = new MemoryJournal();
  const repairing = new DriverEngine(
    {
      sysfs: kernel.sysfs,
      journal,
      holders: kernel.holders,
      routes: { defaultRoutes: async () => [] },
      primary: { primary: async () => null },
      addresses: { addresses: async () => [] },
      kernelRelease: null,
      clock: steppingClock(),
    },
    { ...TEST_OPTIONS, repairDrift: true },
  );
  const fixed = await repairing.recover();
  t.same(fixed.drift, [{ device: B, override: "vfio-pci", driver: "ena", repaired: true }]);
  t.equal(kernel.device(B)?.driverOverride, null);
  t.equal(kernel.device(B)?.driver, "ena", "clearing the override does not move the device");
  t.same(
    repairing.operations().map((o) => [o.header.kind, o.status]),
    [["drift", "committed"]],
  );
  t.same((await engineOn(kernel, new MemoryJournal(journal.text())).recover()).drift, []);
});

t.test("an override the journal explains is not drift", async (t) => {
  const kernel = ec2Host({ enis: 2 });
  const journal = new MemoryJournal();
  const engine = engineOn(kernel, journal);
  await engine.recover();
  await engine.bind(A, "vfio-pci" as DriverName);
  t.same((await engineOn(kernel, new MemoryJournal(journal.text())).recover()).drift, []);
});

t.test("the journal refusing the begin record: nothing is written", async (t) => {
  const kernel = ec2Host({ enis: 2 });
  const journal = new MemoryJournal();
  const engine = engineOn(kernel, journal);
  await engine.recover();
  journal.injectFault(1, { kind: "fail", errno: "ENOSPC" });
  await t.rejects(engine.bind(A, "vfio-pci" as DriverName), {
    code: "UNAVAILABLE",
    errno: "ENOSPC",
  });
  t.equal(kernel.writeLog().length, 0);
});
