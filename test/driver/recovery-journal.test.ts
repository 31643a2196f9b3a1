/**
 * Recovery from a damaged or forged journal (#17): only the last operation
 * of a device can be unfinished, recovery never writes to a device outside
 * the allowlist or past a management guard, a malformed record is reported
 * and skipped, and an end record the journal refused is retried.
 */
import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { steppingClock } from "../../src/driver/clock.js";
import { MemoryJournal } from "../../src/driver/memory-journal.js";
import { Reconciler } from "../../src/driver/reconciler.js";
import { ec2Host, ec2Mac } from "../../src/sim/index.js";
import {
  endLineOf,
  engineOn,
  flipBit,
  forged,
  forgedBegin,
  forgedHeader,
  headerOf,
  linesOf,
} from "./journal-fixtures.js";

const A = "0000:00:06.0" as PciAddress;
const NVME = "0000:00:04.0" as PciAddress;

/** Checksum-valid, lying that the NVMe controller is an ENA: the kernel's ids decide. */
function nvmeHeader() {
  return forgedHeader(
    NVME,
    "op-nvme",
    { driver: "vfio-pci", override: "vfio-pci" },
    { driver: "uio_pci_generic", override: "uio_pci_generic" },
  );
}

/** bind A→uio, bind A→vfio, restore A→ena, all committed; returns the ids. */
async function history(kernel = ec2Host({ enis: 3 })) {
  const journal = new MemoryJournal();
  const engine = engineOn(kernel, journal);
  await engine.recover();
  const uio = await engine.bind(A, "uio_pci_generic" as DriverName);
  const vfio = await engine.bind(A, "vfio-pci" as DriverName);
  const back = await engine.restore(A);
  return { kernel, journal, engine, ids: [uio, vfio, back].map((r) => r.operationId!) };
}

t.test("recovery never replays an operation a later one superseded (#17)", async (t) => {
  const { kernel, journal, ids } = await history();
  const damaged = flipBit(journal.text(), endLineOf(journal.text(), ids[1]!));
  kernel.clearWriteLog();
  const restarted = engineOn(kernel, new MemoryJournal(damaged));
  const report = await restarted.recover();
  t.same(kernel.writeLog(), [], "recovery wrote nothing");
  t.equal(kernel.device(A)?.driver, "ena");
  t.equal(kernel.device(A)?.driverOverride, null);
  t.same(
    report.problems.map((p) => p.kind),
    ["checksum"],
  );
  t.match(report.resolved, [{ operationId: ids[1], status: "superseded" }]);
  t.equal(restarted.operation(ids[1]!)?.status, "superseded");
  t.match(restarted.operation(ids[1]!)?.error, { message: new RegExp(`superseded by ${ids[2]}`) });
  const again = engineOn(kernel, new MemoryJournal(damaged));
  await again.recover();
  t.equal(
    again.operation(ids[1]!)?.status,
    "superseded",
    "an unrecovered journal folds the same way (ops --offline)",
  );
});

t.test("a lost end record is closed as superseded and the close is journaled (#17)", async (t) => {
  const { kernel, journal, ids } = await history();
  const lines = linesOf(journal.text());
  lines.splice(endLineOf(journal.text(), ids[0]!), 1);
  const kept = new MemoryJournal(lines.join(""));
  kernel.clearWriteLog();
  await engineOn(kernel, kept).recover();
  t.same(kernel.writeLog(), []);
  const reread = engineOn(kernel, new MemoryJournal(kept.text()));
  const report = await reread.recover();
  t.same(report.resolved, [], "the second start finds nothing open");
  t.equal(reread.operation(ids[0]!)?.status, "superseded");
});

t.test("an end record the journal refused is retried and never ignored (#17)", async (t) => {
  const kernel = ec2Host({ enis: 3 });
  const journal = new MemoryJournal();
  const engine = engineOn(kernel, journal);
  await engine.recover();
  await engine.bind(A, "uio_pci_generic" as DriverName);
  journal.injectFault(2, { kind: "fail", errno: "ENOSPC" });
  const bound = await engine.bind(A, "vfio-pci" as DriverName);
  t.equal(bound.status, "committed", "the device is where the result says");
  t.match(bound.warnings, [/end record .* not written.*ENOSPC/]);
  t.same(
    engine.journalIssues().unwritten.map((u) => u.operationId),
    [bound.operationId],
  );
  await engine.restore(A);
  t.equal(kernel.device(A)?.driver, "ena");

  // A restart now (the end record still missing) must not move the device back to vfio-pci.
  kernel.clearWriteLog();
  const restarted = engineOn(kernel, new MemoryJournal(journal.text()));
  await restarted.recover();
  t.same(kernel.writeLog(), [], "the later restore stands");
  t.equal(restarted.operation(bound.operationId!)?.status, "superseded");

  t.equal(await engine.flushJournal(), true, "the retry writes it");
  t.same(engine.journalIssues().unwritten, []);
  const reread = engineOn(kernel, new MemoryJournal(journal.text()));
  await reread.recover();
  t.equal(reread.operation(bound.operationId!)?.status, "committed");
});

t.test("the reconciler retries a refused end record with backoff (#17)", async (t) => {
  const kernel = ec2Host({ enis: 3 });
  const journal = new MemoryJournal();
  const engine = engineOn(kernel, journal);
  await engine.recover();
  journal.injectFault(2, { kind: "fail", errno: "EIO" });
  journal.injectFault(3, { kind: "fail", errno: "EIO" });
  await engine.bind(A, "vfio-pci" as DriverName);
  const clock = steppingClock();
  const reconciler = new Reconciler({ engine, clock }, { initialBackoffMs: 1_000 });
  await reconciler.runOnce();
  t.equal(engine.journalIssues().unwritten.length, 1, "first retry failed");
  await reconciler.runOnce();
  t.equal(engine.journalIssues().unwritten.length, 1, "within its backoff: not tried");
  await clock.sleep(1_000);
  await reconciler.runOnce();
  t.same(engine.journalIssues().unwritten, [], "written on the next try");
});

t.test(
  "recovery re-checks the management guards and leaves the operation open (#17)",
  async (t) => {
    for (const guard of ["default-route", "primary-interface"] as const) {
      const kernel = ec2Host({ enis: 3 });
      if (guard === "default-route") kernel.addDefaultRoute({ interface: "ens6" });
      // A bind uio → vfio that died early: its rollback would take ens6 from the kernel.
      const op = forgedHeader(
        A,
        "op-forged",
        { driver: "uio_pci_generic", override: "uio_pci_generic" },
        { driver: "vfio-pci", override: "vfio-pci" },
      );
      const journal = new MemoryJournal(forgedBegin(op));
      kernel.clearWriteLog();
      const engine = engineOn(kernel, journal, {
        primaryMac: guard === "primary-interface" ? ec2Mac(6) : undefined,
      });
      const report = await engine.recover();
      t.same(kernel.writeLog(), [], `${guard}: nothing written`);
      t.equal(kernel.device(A)?.driver, "ena");
      t.match(report.refused, [{ operationId: "op-forged", device: A, guard }], guard);
      t.equal(engine.operation("op-forged")?.status, "running", `${guard}: left open`);
      t.match(engine.operation("op-forged")?.error, { message: new RegExp(guard) });
      t.match(engine.journalIssues().refused, [{ operationId: "op-forged" }]);
      // The operator decides: a new operation supersedes the open one.
      await engine.bind(A, "uio_pci_generic" as DriverName, { force: true });
      const next = engineOn(kernel, new MemoryJournal(journal.text()));
      const later = await next.recover();
      t.same(later.refused, [], `${guard}: a later operation closed it`);
      t.equal(next.operation("op-forged")?.status, "superseded");
    }
  },
);

t.test(
  "a forged record for a device outside the allowlist never causes a write (#17)",
  async (t) => {
    const kernel = ec2Host({ enis: 2 });
    const op = nvmeHeader();
    const journal = new MemoryJournal(forgedBegin(op));
    kernel.clearWriteLog();
    const engine = engineOn(kernel, journal);
    const report = await engine.recover();
    t.same(kernel.writeLog(), [], "recovery wrote nothing");
    t.equal(kernel.device(NVME)?.driver, "nvme");
    t.match(report.refused, [{ operationId: "op-nvme", device: NVME, guard: "vendor-allowlist" }]);
  },
);

t.test("a forged DEGRADED record outside the allowlist is never repaired (#17)", async (t) => {
  const kernel = ec2Host({ enis: 2 });
  const op = nvmeHeader();
  const end = forged({
    v: 1,
    type: "end",
    at: "2026-01-01T00:00:01.000Z",
    id: "op-nvme",
    outcome: "rollback_failed",
    observed: null,
    error: { code: "INTERNAL", message: "rollback failed" },
  });
  kernel.clearWriteLog();
  const engine = engineOn(kernel, new MemoryJournal(forgedBegin(op) + end));
  await engine.recover();
  await t.rejects(engine.repair(NVME), { code: "FAILED_PRECONDITION", guard: "vendor-allowlist" });
  const reconciler = new Reconciler({ engine, clock: steppingClock() });
  t.match(await reconciler.runOnce(), [{ device: NVME, ok: false }]);
  t.same(kernel.writeLog(), [], "the reconciler wrote nothing");
  t.equal(kernel.device(NVME)?.driver, "nvme");
});

t.test("malformed records are reported and skipped; start-up goes on (#17)", async (t) => {
  const kernel = ec2Host({ enis: 3 });
  const { journal, ids } = await history(kernel);
  const good = headerOf(journal.text(), ids[2]!);
  const bad: [string, unknown][] = [
    ["traversal device", { ...good, id: "op-t", device: "../../../../dev/sda" }],
    [
      "traversal snapshot",
      { ...good, id: "op-s", snapshot: { ...good.snapshot, address: "x/.." } },
    ],
    ["force as a string", { ...good, id: "op-f", force: "yes" }],
    ["steps not a list", { ...good, id: "op-l", steps: "unbind" }],
    [
      "override with a newline",
      { ...good, id: "op-n", target: { ...good.target, override: "vfio-pci\nena" } },
    ],
    [
      "step driver with a slash",
      { ...good, id: "op-d", steps: [{ kind: "unbind", driver: "../../nvme" }] },
    ],
    ["id with a slash", { ...good, id: "../op" }],
    ["bad start time", { ...good, id: "op-time", startedAt: 12 }],
    [
      "persist as a string in the request (#14)",
      { ...good, id: "op-r", request: { requestedBy: null, persist: "yes", reapply: false } },
    ],
    ["request not an object (#14)", { ...good, id: "op-q", request: "unix:alice" }],
  ];
  const text = journal.text() + bad.map(([, op]) => forgedBegin(op)).join("");
  kernel.clearWriteLog();
  const engine = engineOn(kernel, new MemoryJournal(text));
  const report = await engine.recover();
  t.same(kernel.writeLog(), [], "nothing written");
  t.equal(report.problems.length, bad.length, "each bad record reported");
  for (const [i, [what]] of bad.entries()) {
    t.match(report.problems[i], { line: 7 + i, kind: "shape" }, what);
  }
  t.same(engine.journalIssues().skipped.length, bad.length, "and kept for health and ops");
  t.ok(
    engine.operations().every((o) => o.status === "committed"),
    "the good history is intact",
  );
});

t.test("a begin record that repeats an operation id is reported and skipped (#17)", async (t) => {
  const { kernel, journal, ids } = await history();
  const lines = linesOf(journal.text());
  const firstBegin = lines.find((l) => l.includes(`"type":"begin"`) && l.includes(ids[0]!))!;
  kernel.clearWriteLog();
  const engine = engineOn(kernel, new MemoryJournal(journal.text() + firstBegin));
  const report = await engine.recover();
  t.same(kernel.writeLog(), [], "the stale copy is not replayed");
  t.match(report.problems, [{ line: lines.length + 1, kind: "shape", detail: /repeats/ }]);
});

t.test("a device recovery cannot read is left open and start-up goes on (#17)", async (t) => {
  const kernel = ec2Host({ enis: 3 });
  const op = forgedHeader(
    A,
    "op-unread",
    { driver: "ena", override: null },
    { driver: "vfio-pci", override: "vfio-pci" },
  );
  const other = forgedHeader(
    "0000:00:07.0",
    "op-other",
    { driver: "ena", override: null },
    { driver: "vfio-pci", override: "vfio-pci" },
  );
  kernel.faults.add({
    path: `bus/pci/devices/${A}/**`,
    operation: "read",
    action: { kind: "fail", errno: "EIO" },
  });
  const engine = engineOn(kernel, new MemoryJournal(forgedBegin(op) + forgedBegin(other)));
  const report = await engine.recover();
  t.match(report.refused, [{ operationId: "op-unread", device: A, message: /EIO/ }]);
  t.match(
    report.resolved,
    [{ operationId: "op-other", status: "rolled_back" }],
    "the next one ran",
  );
  t.equal(engine.operation("op-unread")?.status, "running");
});
