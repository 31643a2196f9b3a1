import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import type { DriverName, EniId, Mac, PciAddress } from "../../src/common/index.js";
import { steppingClock } from "../../src/driver/clock.js";
import { FileDesiredStore, MemoryDesiredStore } from "../../src/driver/desired-state.js";
import { Reconciler } from "../../src/driver/reconciler.js";
import { ec2Host, ec2Mac } from "../../src/sim/index.js";
import { harness } from "./engine-harness.js";

const A = "0000:00:06.0" as PciAddress;

t.test("a persisted bind is stored by MAC and re-applied by a later engine", async (t) => {
  const store = new MemoryDesiredStore();
  const kernel = ec2Host();
  const { engine } = await harness(kernel, { desired: store });
  await engine.bind(A, "vfio-pci" as DriverName, { persist: true });
  t.same(await store.load(), [{ key: { mac: ec2Mac(6) }, driver: "vfio-pci", source: "request" }]);
  await engine.restore(A);
  t.equal(kernel.device(A)?.driver, "ena");
  const applied = await engine.applyDesired();
  t.same(
    applied.map((a) => [a.binding, a.result?.status, a.error]),
    [[`MAC ${ec2Mac(6)}`, "committed", null]],
  );
  t.equal(kernel.device(A)?.driver, "vfio-pci");
  await engine.restore(A, { persist: true });
  t.same(await store.load(), [], "a persisted restore forgets the binding");
});

t.test("declared bindings by ENI id apply on hot-attach through the ENI's MAC", async (t) => {
  const kernel = ec2Host({ enis: 2 });
  const eni = "eni-0123456789abcdef0" as EniId;
  const { engine } = await harness(kernel, {
    engine: { desiredBindings: [{ eniId: eni, driver: "uio_pci_generic" }] },
    eniMac: async (id) => (id === eni ? (ec2Mac(7) as Mac) : null),
  });
  t.equal(await engine.deviceAdded(A), null, "no binding names 00:06.0");
  kernel.addDevice({
    address: "0000:00:07.0",
    vendor: 0x1d0f,
    device: 0xec20,
    class: 0x020000,
    mac: ec2Mac(7),
  });
  const added = await engine.deviceAdded("0000:00:07.0" as PciAddress);
  t.equal(added?.status, "committed");
  t.equal(kernel.device("0000:00:07.0")?.driver, "uio_pci_generic");
});

t.test("a malformed declared binding is refused at construction", async (t) => {
  await t.rejects(
    harness(ec2Host(), { engine: { desiredBindings: [{ pci: A, driver: "vfio-pci" }] } }),
    {
      code: "INVALID_ARGUMENT",
    },
  );
});

t.test("the file store replaces desired.json atomically and reads it back", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "desired-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = new FileDesiredStore({ stateDir: join(dir, "state") });
  t.same(await store.load(), []);
  await store.save([
    { key: { mac: ec2Mac(6) as Mac }, driver: "vfio-pci" as never, source: "request" },
  ]);
  t.same(JSON.parse(await readFile(join(dir, "state", "desired.json"), "utf8")), {
    version: 1,
    bindings: [{ mac: ec2Mac(6), driver: "vfio-pci" }],
  });
  t.same(await new FileDesiredStore({ stateDir: join(dir, "state") }).load(), [
    { key: { mac: ec2Mac(6) }, driver: "vfio-pci", source: "request" },
  ]);
});

t.test("the file store reads desired.json once and keeps what it saved", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "desired-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = new FileDesiredStore({ stateDir: join(dir, "state") });
  await store.save([
    { key: { mac: ec2Mac(7) as Mac }, driver: "uio_pci_generic" as never, source: "request" },
  ]);
  await rm(join(dir, "state", "desired.json"));
  t.same(
    await store.load(),
    [{ key: { mac: ec2Mac(7) }, driver: "uio_pci_generic", source: "request" }],
    "answered from memory, not from the file",
  );
});

t.test("the reconciler repairs a DEGRADED device, backing off while repairs fail", async (t) => {
  const kernel = ec2Host({ enis: 2 });
  const clock = steppingClock();
  const { engine } = await harness(kernel, { clock });
  // Bind fails at the probe, and the way back (ena/bind) fails three times: DEGRADED.
  kernel.failProbe({ device: A, driver: "vfio-pci", errno: "EIO" });
  const back = kernel.faults.failWrite("bus/pci/drivers/ena/bind", "EIO", { times: 4 });
  await t.rejects(engine.bind(A, "vfio-pci" as DriverName), {
    code: "INTERNAL",
    message: /DEGRADED/,
  });
  t.same(engine.degradedDevices(), [A]);
  const reconciler = new Reconciler(
    { engine, clock },
    { initialBackoffMs: 1_000, intervalMs: 100 },
  );
  const first = await reconciler.runOnce();
  t.match(first, [{ device: A, ok: false }]);
  t.same(await reconciler.runOnce(), [], "within its backoff, the device is left alone");
  await clock.sleep(1_000);
  t.match(await reconciler.runOnce(), [{ device: A, ok: false }]);
  t.equal(back.fired, 4);
  await clock.sleep(2_000);
  t.match(await reconciler.runOnce(), [{ device: A, ok: true }]);
  t.same(engine.degradedDevices(), []);
  t.equal(kernel.device(A)?.driver, "ena");
  t.equal(kernel.device(A)?.driverOverride, null);
});

t.test("the reconciler loop starts, passes, and stops", async (t) => {
  const clock = steppingClock();
  let passes = 0;
  const reconciler = new Reconciler(
    {
      engine: {
        degradedDevices: () => {
          passes += 1;
          return [];
        },
        repair: async () => {
          throw new Error("unused");
        },
        journalIssues: () => ({ unwritten: [] }),
        flushJournal: async () => true,
      },
      clock,
    },
    { intervalMs: 10 },
  );
  const ac = new AbortController();
  await reconciler.start(ac.signal);
  await clock.sleep(35);
  await reconciler.stop();
  const after = passes;
  t.ok(after >= 3, `passes: ${after}`);
  await clock.sleep(50);
  t.equal(passes, after, "no pass after stop");
  await reconciler.stop();
});
