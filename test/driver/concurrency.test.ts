import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { realClock } from "../../src/driver/clock.js";
import { ec2Host } from "../../src/sim/index.js";
import { harness } from "./engine-harness.js";

const A = "0000:00:06.0" as PciAddress;

t.test("100 concurrent identical binds of one device make exactly one transition", async (t) => {
  const { kernel, engine } = await harness();
  const results = await Promise.all(
    Array.from({ length: 100 }, () => engine.bind(A, "vfio-pci" as DriverName)),
  );
  t.equal(kernel.writeLog().length, 3, "one override, one unbind, one bind");
  t.equal(
    new Set(results.map((r) => r.operationId)).size,
    1,
    "every request got the same operation",
  );
  t.equal(results.filter((r) => !r.joined).length, 1);
  t.ok(results.every((r) => r.status === "committed"));
  t.equal(engine.operations().length, 1);
});

t.test("a conflicting request fails fast with ABORTED naming the running operation", async (t) => {
  const { kernel, engine } = await harness();
  const held = kernel.faults.blockWrite("bus/pci/drivers/ena/unbind");
  const running = engine.bind(A, "vfio-pci" as DriverName);
  await held.whenFired();
  const id = engine.operations()[0]!.header.id;
  await t.rejects(engine.bind(A, "uio_pci_generic" as DriverName), {
    code: "ABORTED",
    operationId: id,
    message: new RegExp(`busy: operation ${id} \\(bind to vfio-pci\\)`),
  });
  await t.rejects(engine.restore(A), { code: "ABORTED", operationId: id });
  held.release();
  t.equal((await running).status, "committed");
});

/** Index ranges of each device's writes in the write log. */
function spans(log: readonly { path: string; data: string }[], devices: string[]) {
  return devices.map((d) => {
    const idx = log.flatMap((w, i) => (w.path.includes(d) || w.data === d ? [i] : []));
    return { first: Math.min(...idx), last: Math.max(...idx) };
  });
}

const EIGHT = Array.from(
  { length: 8 },
  (_, i) => `0000:00:${(6 + i).toString(16).padStart(2, "0")}.0`,
);

t.test("eight devices move in parallel: their writes interleave in the kernel's log", async (t) => {
  // Real time here: the simulator's delay fault sleeps for real.
  const { kernel, engine } = await harness(ec2Host({ enis: 9 }), {
    clock: realClock,
    engine: { maxParallel: 8, writeTimeoutMs: 60_000, verifyTimeoutMs: 10_000 },
  });
  kernel.faults.delayWrite("bus/pci/drivers/ena/unbind", 20, { times: Number.POSITIVE_INFINITY });
  await Promise.all(EIGHT.map((d) => engine.bind(d as PciAddress, "vfio-pci" as DriverName)));
  const log = kernel.writeLog();
  const firstBind = log.findIndex((w) => w.path.endsWith("vfio-pci/bind"));
  const overrides = log.flatMap((w, i) => (w.path.endsWith("driver_override") ? [i] : []));
  t.equal(overrides.length, 8);
  t.ok(
    overrides.every((i) => i < firstBind),
    "every device wrote its override before any device got to bind",
  );
  const s = spans(log, EIGHT);
  t.ok(
    s.every((a, i) => s.some((b, j) => i !== j && b.first < a.last && a.first < b.last)),
    "spans overlap",
  );
});

t.test("with a bound of one, devices take turns: no interleaving", async (t) => {
  const { kernel, engine } = await harness(ec2Host({ enis: 9 }), {
    clock: realClock,
    engine: { maxParallel: 1, writeTimeoutMs: 60_000, verifyTimeoutMs: 10_000 },
  });
  kernel.faults.delayWrite("bus/pci/drivers/ena/unbind", 5, { times: Number.POSITIVE_INFINITY });
  const four = EIGHT.slice(0, 4) as PciAddress[];
  await Promise.all(four.map((d) => engine.bind(d, "vfio-pci" as DriverName)));
  const s = spans(kernel.writeLog(), four);
  t.ok(
    s.every((a, i) => s.every((b, j) => i === j || a.last < b.first || b.last < a.first)),
    "each device's writes form one uninterrupted run",
  );
});
