/**
 * A write that blocks in the kernel (unbind from vfio-pci while a process
 * holds the device) must not wedge the engine: the operation fails with
 * DEADLINE_EXCEEDED, the device is STUCK and refuses work, every other
 * device keeps moving, and once the write returns the operation is resolved.
 */
import t from "tap";
import { ec2Host } from "../../src/sim/index.js";
import { harness } from "./engine-harness.js";

const A = "0000:00:06.0";
const B = "0000:00:07.0";
const C = "0000:00:08.0";

t.test(
  "a blocked unbind: DEADLINE_EXCEEDED, STUCK, others move, resolved on release",
  async (t) => {
    const { kernel, engine } = await harness(ec2Host(), { engine: { writeTimeoutMs: 1_000 } });
    await engine.bind(A, "vfio-pci");
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
    t.equal((await engine.bind(B, "vfio-pci")).status, "committed");
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
    await t.rejects(engine.bind(A, "vfio-pci"), { code: "DEADLINE_EXCEEDED" });
    await t.rejects(engine.bind(B, "vfio-pci"), { code: "DEADLINE_EXCEEDED" });
    t.equal(held.blocked, 2);
    const before = kernel.writeLog().length;
    await t.rejects(engine.bind(C, "vfio-pci"), {
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
