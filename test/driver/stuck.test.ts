/**
 * A write that blocks in the kernel (unbind from vfio-pci while a process
 * holds the device) must not wedge the engine: the operation fails with
 * DEADLINE_EXCEEDED, the device is STUCK and refuses work, every other
 * device keeps moving, and once the write returns the operation is resolved.
 */
import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { realClock } from "../../src/driver/clock.js";
import { ec2Host } from "../../src/sim/index.js";
import { harness } from "./engine-harness.js";

const A = "0000:00:06.0" as PciAddress;
const B = "0000:00:07.0" as PciAddress;
const C = "0000:00:08.0" as PciAddress;

t.test(
  "a blocked unbind: DEADLINE_EXCEEDED, STUCK, others move, resolved on release",
  async (t) => {
    const { kernel, engine } = await harness(ec2Host(), { engine: { writeTimeoutMs: 1_000 } });
    await engine.bind(A, "vfio-pci" as DriverName);
    const held = kernel.faults.blockWrite("bus/pci/drivers/vfio-pci/unbind");
    const stuck = await engine.restore(A).then(
      () => null,
      (err: unknown) => err,
    );
    t.match(stuck, {
      code: "DEADLINE_EXCEEDED",
      device: A,
      path: "bus/pci/drivers/vfio-pci/unbind",
      operationId: /^op-/,
    });
    t.equal(engine.health(A as never), "stuck");
    t.equal(engine.operations().at(-1)?.status, "stuck");
    await t.rejects(engine.restore(A), { code: "ABORTED", message: /stuck/ });

    // Everything else stays responsive: another device moves both ways.
    t.equal((await engine.bind(B, "vfio-pci" as DriverName)).status, "committed");
    t.equal((await engine.restore(B)).status, "committed");
    t.equal(held.blocked, 1, "the write is still held in the kernel");

    held.release();
    await engine.idle();
    t.equal(engine.health(A as never), "ok");
    const resolved = engine
      .operations()
      .find((o) => o.header.device === A && o.header.kind === "restore");
    t.ok(resolved && (resolved.status === "committed" || resolved.status === "rolled_back"));
    const dev = kernel.device(A)!;
    const atTarget = dev.driver === "ena" && dev.driverOverride === null;
    const atSnapshot = dev.driver === "vfio-pci" && dev.driverOverride === "vfio-pci";
    t.ok(
      atTarget || atSnapshot,
      `resolved to target or snapshot: ${dev.driver}/${dev.driverOverride}`,
    );
    t.equal((await engine.restore(A)).device, A, "the device takes work again");
  },
);

t.test(
  "stuck writes never hold more threads than the bound; a write that finds no slot does not start",
  async (t) => {
    const { kernel, engine } = await harness(ec2Host(), {
      engine: { writeTimeoutMs: 1_000, maxBlockingWrites: 2 },
    });
    const held = kernel.faults.blockWrite("bus/pci/drivers/ena/unbind", { times: 2 });
    await t.rejects(engine.bind(A, "vfio-pci" as DriverName), {
      code: "DEADLINE_EXCEEDED",
    });
    await t.rejects(engine.bind(B, "vfio-pci" as DriverName), {
      code: "DEADLINE_EXCEEDED",
    });
    t.equal(held.blocked, 2);
    const before = kernel.writeLog().length;
    await t.rejects(engine.bind(C, "vfio-pci" as DriverName), {
      code: "DEADLINE_EXCEEDED",
      message: /not started within 1000 ms: 2 sysfs writes are still blocked/,
    });
    t.equal(kernel.writeLog().length, before, "the third device wrote nothing");
    t.equal(
      engine.health(C as never),
      "ok",
      "a write that never started leaves its device healthy",
    );
    t.same(kernel.device(C)?.driver, "ena");
    held.release();
    await engine.idle();
    t.equal(engine.health(A as never), "ok");
    t.equal(engine.health(B as never), "ok");
  },
);

/** A on vfio-pci, held by a DPDK process with its device fd open. */
async function heldOnVfio(options: Parameters<typeof harness>[1]) {
  const h = await harness(ec2Host(), options);
  await h.engine.bind(A, "vfio-pci" as DriverName);
  const dpdk = h.kernel.spawn("dpdk-testpmd");
  dpdk.open("/dev/vfio/noiommu-0");
  const fd = dpdk.openVfioDevice(A);
  return { ...h, dpdk, fd };
}

t.test(
  "restore refuses a held device; with force it waits for the holder to let go (#14)",
  async (t) => {
    // The real clock, with a deadline the test never reaches: the holder lets go first.
    const { kernel, engine, dpdk, fd } = await heldOnVfio({
      clock: realClock,
      engine: { writeTimeoutMs: 600_000 },
    });
    const writes = kernel.writeLog().length;
    await t.rejects(engine.restore(A), {
      code: "FAILED_PRECONDITION",
      guard: "device-in-use",
      message: /pid \d+ \(dpdk-testpmd\) holds \/dev\/vfio\/noiommu-0/,
      remedy: /--force/,
    });
    t.equal(kernel.writeLog().length, writes, "refused before any write");
    t.same((await engine.planRestore(A, { force: true })).overriddenGuards, ["device-in-use"]);

    const restoring = engine.restore(A, { force: true });
    while (kernel.writeLog().at(-1)?.result !== "pending") {
      await new Promise((resolve) => setImmediate(resolve));
    }
    t.equal(kernel.writeLog().at(-1)?.path, "bus/pci/drivers/vfio-pci/unbind", "the unbind waits");
    dpdk.close(fd);
    const done = await restoring;
    t.equal(done.status, "committed");
    t.equal(done.operation?.header.force, true, "journaled as forced");
    t.equal(kernel.device(A)?.driver, "ena");
  },
);

t.test(
  "a holder that outlasts the write deadline: STUCK, then rolled back when it lets go",
  async (t) => {
    const { kernel, engine, dpdk, fd } = await heldOnVfio({ engine: { writeTimeoutMs: 1_000 } });
    await t.rejects(engine.restore(A, { force: true }), {
      code: "DEADLINE_EXCEEDED",
      path: "bus/pci/drivers/vfio-pci/unbind",
    });
    t.equal(engine.health(A), "stuck");
    dpdk.close(fd);
    await engine.idle();
    t.equal(engine.health(A), "ok");
    t.equal(engine.operations().at(-1)?.status, "rolled_back");
    t.equal(kernel.device(A)?.driver, "vfio-pci", "back where the restore found it: retry restore");
  },
);
