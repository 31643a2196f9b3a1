/**
 * Binds on trial (issue 16): a bind that awaits confirmation and is
 * reverted, verified, when none comes by its deadline. All on the
 * simulator and the stepping clock: deadlines pass in virtual time.
 */
import t, { type Test } from "tap";
import { type DriverName, isAgentError, type PciAddress } from "../../src/common/index.js";
import { type Clock, steppingClock } from "../../src/driver/clock.js";
import { ConfirmationWatch, type ConfirmationWatchOptions } from "../../src/driver/index.js";
import {
  decodeJournal,
  encodeRecord,
  type Journal,
  type JournalRecord,
} from "../../src/driver/journal.js";
import { MemoryJournal } from "../../src/driver/memory-journal.js";
import { ec2Host, ec2Mac, type SimKernel } from "../../src/sim/index.js";
import { readDevice } from "../../src/sysfs/index.js";
import { type Harness, harness } from "./engine-harness.js";

const A = "0000:00:06.0" as PciAddress;
const B = "0000:00:07.0" as PciAddress;
const VFIO = "vfio-pci" as DriverName;
const MINUTE = 60_000;

async function trial(
  kernel: SimKernel = ec2Host({ enis: 2 }),
  clock: Clock = steppingClock(),
  journal: Journal = new MemoryJournal(),
) {
  const h = await harness(kernel, { clock, journal });
  const bound = await h.engine.bind(A, VFIO, { confirmWithinMs: MINUTE });
  return { h, clock, bound, id: bound.operationId as string };
}

function watchOf(h: Harness, clock: Clock, options: ConfirmationWatchOptions = {}) {
  const failures: string[] = [];
  const watch = new ConfirmationWatch(
    {
      engine: h.engine,
      clock,
      failed: (id, action, err) => failures.push(`${action} ${id}: ${err.message}`),
    },
    options,
  );
  return { watch, failures };
}

async function atHome(t: Test, kernel: SimKernel, what: string): Promise<void> {
  const dev = await readDevice(kernel.sysfs, A);
  t.equal(dev?.driver, "ena", `${what}: back on ena`);
  t.equal(dev?.driverOverride, null, `${what}: override cleared`);
  t.equal(dev?.interfaces[0]?.mac, ec2Mac(6), `${what}: its interface is back with its MAC`);
}

async function devNode(kernel: SimKernel): Promise<string> {
  return (await readDevice(kernel.sysfs, A))?.devNode as string;
}

function onVfio(t: Test, kernel: SimKernel, what: string): void {
  const dev = kernel.device(A)!;
  t.equal(dev.driver, "vfio-pci", `${what}: still on vfio-pci`);
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (err) {
    if (!isAgentError(err)) throw err;
    return err.code;
  }
}

t.test("confirmed in time: final, never reverted, also after a restart", async (t) => {
  const { h, clock, bound, id } = await trial();
  t.equal(bound.status, "committed");
  t.equal(bound.confirmBy, "2026-01-01T00:01:00.000Z", "deadline: one minute after the commit");
  t.same(
    h.engine.pendingConfirmations().map((p) => [p.operationId, p.remainingMs]),
    [[id, MINUTE]],
  );
  t.match(h.events.at(-1), { type: "confirmation", state: "pending", operationId: id });
  await clock.sleep(30_000);
  const view = await h.engine.confirm(id);
  t.match(view.confirmation, { state: "confirmed", by: "request" });
  t.match(h.events.at(-1), { type: "confirmation", state: "confirmed" });
  t.equal(await code(h.engine.confirm(id)), "OK", "confirming again is OK");
  await clock.sleep(2 * MINUTE);
  const { watch } = watchOf(h, clock);
  await watch.runOnce();
  onVfio(t, h.kernel, "past the deadline");
  t.same(h.engine.pendingConfirmations(), []);

  const again = await harness(h.kernel, {
    clock: steppingClock(10 * MINUTE),
    journal: new MemoryJournal((h.journal as MemoryJournal).text()),
  });
  t.match(again.engine.operation(id)?.confirmation, { state: "confirmed" });
  onVfio(t, h.kernel, "after a restart");
});

t.test("not confirmed: restored at the deadline, verified, and why is recorded", async (t) => {
  const { h, clock, id } = await trial();
  const { watch, failures } = watchOf(h, clock);
  await clock.sleep(MINUTE - 1);
  await watch.runOnce();
  onVfio(t, h.kernel, "a millisecond before the deadline");
  await clock.sleep(1);
  await watch.runOnce();
  await atHome(t, h.kernel, "at the deadline");
  t.same(failures, []);
  const ops = h.engine.operations();
  const revert = ops.at(-1)!;
  t.equal(revert.header.kind, "restore");
  t.equal(revert.header.reverts, id, "the restore says which bind it reverts");
  t.equal(revert.status, "committed");
  t.match(h.engine.operation(id)?.confirmation, { state: "reverted", by: revert.header.id });
  t.match(
    h.events
      .filter((e) => e.type === "confirmation")
      .map((e) => e.type === "confirmation" && e.state),
    ["pending", "reverted"],
  );
  t.match(h.events.at(-1), { type: "confirmation", revertOutcome: "committed" });
  t.equal(await code(h.engine.confirm(id)), "FAILED_PRECONDITION", "too late to confirm");
  await watch.runOnce();
  t.equal(h.engine.operations().length, 2, "reverted once");
});

t.test("agent killed while awaiting: reverted at start past the deadline", async (t) => {
  const { h, id } = await trial();
  const text = (h.journal as MemoryJournal).text();
  // The stepping clock reads 2026-01-01 + startMs: the restart comes 2 minutes later.
  const restarted = await harness(h.kernel, {
    clock: steppingClock(2 * MINUTE),
    journal: new MemoryJournal(text),
    recover: false,
  });
  onVfio(t, h.kernel, "before recovery");
  const report = await restarted.engine.recover();
  await atHome(t, h.kernel, "when recovery returns (before the API opens)");
  t.equal(report.reverted.length, 1);
  t.match(report.reverted[0], { operationId: id, device: A, error: null });
  t.match(restarted.engine.operation(id)?.confirmation, {
    state: "reverted",
    by: report.reverted[0]?.revertOperationId,
  });
});

t.test("agent killed while awaiting: still waits for the time left", async (t) => {
  const { h, id } = await trial();
  const clock = steppingClock(20_000);
  const restarted = await harness(h.kernel, {
    clock,
    journal: new MemoryJournal((h.journal as MemoryJournal).text()),
  });
  onVfio(t, h.kernel, "after recovery");
  t.same(
    restarted.engine.pendingConfirmations().map((p) => p.remainingMs),
    [40_000],
    "the time left, from the journal's deadline",
  );
  const { watch } = watchOf(restarted, clock);
  await clock.sleep(39_999);
  await watch.runOnce();
  onVfio(t, h.kernel, "just inside");
  await clock.sleep(1);
  await watch.runOnce();
  await atHome(t, h.kernel, "at the deadline");
  t.match(restarted.engine.operation(id)?.confirmation, { state: "reverted" });
});

t.test("the watch job sleeps to the deadline on the clock, then reverts", async (t) => {
  const { h, clock, id } = await trial();
  const { watch } = watchOf(h, clock);
  const done = new Promise<void>((resolve) => {
    h.engine.subscribe((e) => {
      if (e.type === "confirmation" && e.state === "reverted") resolve();
    });
  });
  const abort = new AbortController();
  await watch.start(abort.signal);
  await done;
  await watch.stop();
  await atHome(t, h.kernel, "after the job ran");
  t.match(h.engine.operation(id)?.confirmation, { state: "reverted" });
});

/** A journal that holds `confirmed` records until released: a slow disk. */
class SlowConfirm extends MemoryJournal {
  release: () => void = () => {};
  override async append(record: JournalRecord): Promise<void> {
    if (record.type === "confirmed") await new Promise<void>((r) => (this.release = r));
    return super.append(record);
  }
}

t.test("confirm racing the deadline: exactly one outcome", async (t) => {
  // Confirm asked at every moment around the deadline, the deadline's pass right after.
  for (const offset of [-2, -1, 0, 1]) {
    const { h, clock, id } = await trial();
    const { watch } = watchOf(h, clock);
    await clock.sleep(MINUTE + offset);
    const [confirmed] = await Promise.allSettled([h.engine.confirm(id), watch.runOnce()]);
    const c = h.engine.operation(id)?.confirmation;
    const home = h.kernel.device(A)?.driver === "ena";
    if (confirmed.status === "fulfilled") {
      t.equal(c?.state, "confirmed", `${offset}: confirmed`);
      t.notOk(home, `${offset}: and not reverted`);
    } else {
      t.equal(c?.state, "reverted", `${offset}: refused, reverted`);
      t.ok(home, `${offset}: and the device is home`);
    }
    t.equal(confirmed.status === "fulfilled", offset < 0, `${offset}: the deadline decides`);
    const after = await harness(h.kernel, {
      clock: steppingClock(10 * MINUTE),
      journal: new MemoryJournal((h.journal as MemoryJournal).text()),
    });
    t.equal(after.engine.operation(id)?.confirmation?.state, c?.state, `${offset}: journal agrees`);
  }

  // A confirm whose record is still being written when the deadline passes wins.
  const journal = new SlowConfirm();
  const { h, clock, id } = await trial(ec2Host({ enis: 2 }), steppingClock(), journal);
  const { watch } = watchOf(h, clock);
  await clock.sleep(MINUTE - 1);
  const confirming = h.engine.confirm(id);
  await clock.sleep(5);
  await watch.runOnce();
  onVfio(t, h.kernel, "a confirm in flight holds off the revert");
  t.equal(await code(h.engine.revertUnconfirmed(id)), "OK");
  journal.release();
  t.match((await confirming).confirmation, { state: "confirmed" });
  await watch.runOnce();
  onVfio(t, h.kernel, "confirmed");
});

t.test("a confirm the journal refuses is an error, and the deadline still holds", async (t) => {
  const journal = new MemoryJournal();
  const { h, clock, id } = await trial(ec2Host({ enis: 2 }), steppingClock(), journal);
  journal.injectFault(1, { kind: "fail", errno: "ENOSPC" });
  t.equal(await code(h.engine.confirm(id)), "UNAVAILABLE");
  t.match(h.engine.operation(id)?.confirmation, { state: "pending" });
  await clock.sleep(MINUTE);
  await watchOf(h, clock).watch.runOnce();
  await atHome(t, h.kernel, "unconfirmed");
});

t.test("a later operation on the device ends the wait", async (t) => {
  const { h, clock, id } = await trial();
  const restored = await h.engine.restore(A);
  t.match(h.engine.operation(id)?.confirmation, { state: "ended", by: restored.operationId });
  t.match(
    h.events.find((e) => e.type === "confirmation" && e.state !== "pending"),
    { state: "ended", by: restored.operationId },
  );
  await h.engine.bind(A, VFIO);
  await clock.sleep(2 * MINUTE);
  await watchOf(h, clock).watch.runOnce();
  onVfio(t, h.kernel, "the later bind stands");
  t.equal(await code(h.engine.confirm(id)), "FAILED_PRECONDITION");
  const again = await harness(h.kernel, {
    clock: steppingClock(10 * MINUTE),
    journal: new MemoryJournal((h.journal as MemoryJournal).text()),
  });
  t.match(again.engine.operation(id)?.confirmation, { state: "ended" });
  t.same(again.engine.pendingConfirmations(), [], "nothing to revert at start");
  onVfio(t, h.kernel, "after a restart");
});

t.test("confirm answers: unknown, not on trial, not committed", async (t) => {
  const h = await harness(ec2Host({ enis: 2 }));
  t.equal(await code(h.engine.confirm("op-nope")), "NOT_FOUND");
  const plain = await h.engine.bind(A, VFIO);
  t.equal(await code(h.engine.confirm(plain.operationId as string)), "FAILED_PRECONDITION");
  t.equal(
    await code(h.engine.bind(B, VFIO, { confirmWithinMs: 999 })),
    "INVALID_ARGUMENT",
    "a window under a second",
  );
  t.equal(
    await code(h.engine.bind(B, VFIO, { confirmWithinMs: 86_400_001 })),
    "INVALID_ARGUMENT",
    "a window over a day",
  );
  t.equal(
    await code(h.engine.bind(B, VFIO, { confirmWithinMs: MINUTE, persist: true })),
    "INVALID_ARGUMENT",
    "persisted: it would come back after the revert",
  );
});

t.test("a revert a holder blocks is retried, and the bind still awaits", async (t) => {
  const { h, clock, id } = await trial();
  const app = h.kernel.process(h.kernel.spawn("dpdk-app").pid)!;
  app.open(await devNode(h.kernel));
  // The device open, not the group alone, is what refuses the revert.
  const fd = app.openVfioDevice(A);
  const { watch, failures } = watchOf(h, clock);
  await clock.sleep(MINUTE);
  await watch.runOnce();
  onVfio(t, h.kernel, "a process holds it");
  t.match(failures, [/revert .*in use/]);
  t.match(h.engine.operation(id)?.confirmation, { state: "pending" });
  app.close(fd);
  await clock.sleep(1_000);
  await watch.runOnce();
  await atHome(t, h.kernel, "once released");
});

t.test("automatic confirmation: a process held the vfio group long enough", async (t) => {
  const { h, clock, id } = await trial();
  const { watch } = watchOf(h, clock, { autoConfirm: { check: "holder", forMs: 5_000 } });
  const app = h.kernel.spawn("dpdk-app");
  const node = await devNode(h.kernel);
  let fd = app.open(node);
  await watch.runOnce();
  await clock.sleep(3_000);
  await watch.runOnce();
  app.close(fd);
  await clock.sleep(1_000);
  await watch.runOnce();
  fd = app.open(node);
  await clock.sleep(1_000);
  await watch.runOnce();
  await clock.sleep(4_000);
  await watch.runOnce();
  t.match(h.engine.operation(id)?.confirmation, { state: "pending" }, "held 4 s since it reopened");
  await clock.sleep(1_000);
  await watch.runOnce();
  t.match(h.engine.operation(id)?.confirmation, { state: "confirmed", by: "probe" });
  app.close(fd);
  await clock.sleep(MINUTE);
  await watch.runOnce();
  onVfio(t, h.kernel, "confirmed by the probe");
});

t.test("automatic confirmation never comes without a holder", async (t) => {
  const { h, clock, id } = await trial();
  const { watch } = watchOf(h, clock, { autoConfirm: { check: "holder", forMs: 5_000 } });
  for (let s = 0; s < 60; s += 10) {
    await watch.runOnce();
    await clock.sleep(10_000);
  }
  await watch.runOnce();
  await atHome(t, h.kernel, "nobody opened it");
  t.match(h.engine.operation(id)?.confirmation, { state: "reverted" });
});

t.test("the journal checks trial records strictly", async (t) => {
  const { h, id } = await trial();
  await h.engine.confirm(id);
  const records = decodeJournal((h.journal as MemoryJournal).text()).records;
  t.same(
    records.map((r) => r.type),
    ["begin", "end", "confirmed"],
  );
  const problems = (edit: (rs: JournalRecord[]) => JournalRecord[]) =>
    decodeJournal(edit(structuredClone(records)).map(encodeRecord).join("")).problems.map(
      (p) => p.detail,
    );
  t.same(
    problems((rs) => rs),
    [],
    "as written",
  );
  t.match(
    problems((rs) => [...rs, rs[2]!]),
    [/confirmed record of .* awaits no confirmation/],
  );
  t.match(
    problems(([b, e, c]) => [b!, { ...(e as EndRecord), deadline: undefined }, c!]),
    [/awaits no confirmation/],
    "confirmed without a deadline",
  );
  t.match(
    problems(([b, e]) => [b!, { ...(e as EndRecord), outcome: "rolled_back" }]),
    [/deadline: set on an operation that did not commit/],
  );
  t.match(
    problems(([b, e]) => [b!, { ...(e as EndRecord), deadline: "soon" }]),
    [/deadline: not a time/],
  );
  for (const ms of [999, 86_400_001, 1.5, "60s"]) {
    t.match(
      problems(([b]) => [
        { ...(b as BeginRecord), op: { ...(b as BeginRecord).op, confirmWithinMs: ms as number } },
      ]),
      [/confirmWithinMs: not a whole number of ms/],
      `confirmWithinMs ${ms}`,
    );
  }
  t.match(
    problems(([b]) => [{ ...(b as BeginRecord), op: { ...(b as BeginRecord).op, reverts: id } }]),
    [/reverts: set on an operation that is no restore/],
  );
  t.match(
    problems(([b, e, c]) => [b!, e!, { ...(c as ConfirmedRecord), by: "someone" as "probe" }]),
    [/by: not one of request, probe/],
  );
});

type BeginRecord = Extract<JournalRecord, { type: "begin" }>;
type EndRecord = Extract<JournalRecord, { type: "end" }>;
type ConfirmedRecord = Extract<JournalRecord, { type: "confirmed" }>;

t.test("an end record written late, after a later operation began, sets no wait", async (t) => {
  const journal = new MemoryJournal();
  const clock = steppingClock();
  const h = await harness(ec2Host({ enis: 2 }), { clock, journal });
  journal.injectFault(2, { kind: "fail", errno: "EIO" });
  const bound = await h.engine.bind(A, VFIO, { confirmWithinMs: MINUTE });
  t.match(bound.warnings, [/end record .* was not written/]);
  const id = bound.operationId as string;
  const restored = await h.engine.restore(A);
  t.ok(await h.engine.flushJournal(), "the end record is written now, after the restore's");
  const types = decodeJournal(journal.text()).records.map((r) =>
    r.type === "begin" ? `begin ${r.op.kind}` : r.type,
  );
  t.same(types, ["begin bind", "begin restore", "end", "end"]);
  const again = await harness(h.kernel, {
    clock: steppingClock(10 * MINUTE),
    journal: new MemoryJournal(journal.text()),
  });
  t.match(again.engine.operation(id)?.confirmation, { state: "ended", by: restored.operationId });
  t.same(again.engine.pendingConfirmations(), []);
  await atHome(t, h.kernel, "the restore stands; nothing reverted twice");
  t.equal(again.engine.operations().length, 2);
});

t.test(
  "a confirm writes the refused end record first, so a restart keeps it confirmed",
  async (t) => {
    const journal = new MemoryJournal();
    const h = await harness(ec2Host({ enis: 2 }), { journal });
    journal.injectFault(2, { kind: "fail", errno: "EIO" });
    const id = (await h.engine.bind(A, VFIO, { confirmWithinMs: MINUTE })).operationId!;
    journal.injectFault(1, { kind: "fail", errno: "EIO" });
    t.equal(await code(h.engine.confirm(id)), "UNAVAILABLE", "the end record is refused again");
    t.equal(await code(h.engine.confirm(id)), "OK");
    t.same(
      decodeJournal(journal.text()).records.map((r) => r.type),
      ["begin", "end", "confirmed"],
    );
    const again = await harness(h.kernel, {
      clock: steppingClock(10 * MINUTE),
      journal: new MemoryJournal(journal.text()),
    });
    t.match(again.engine.operation(id)?.confirmation, { state: "confirmed" });
    onVfio(t, h.kernel, "after a restart past the deadline");
  },
);
