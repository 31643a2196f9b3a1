import t from "tap";
import type { PciAddress } from "../../src/common/index.js";
import { DeviceLocks } from "../../src/driver/device-locks.js";

const A = "0000:00:06.0" as PciAddress;
const B = "0000:00:07.0" as PciAddress;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

t.test("an identical request joins the running one; a different one is ABORTED busy", async (t) => {
  const locks = new DeviceLocks({ maxParallel: 4 });
  const g = gate();
  let runs = 0;
  const first = locks.run(
    A,
    { key: "bind:vfio-pci", operationId: "op-1", label: "bind to vfio-pci" },
    async () => {
      runs += 1;
      await g.opened;
      return "done";
    },
  );
  const second = locks.run(
    A,
    { key: "bind:vfio-pci", operationId: "op-2", label: "bind to vfio-pci" },
    async () => {
      runs += 1;
      return "other";
    },
  );
  t.equal(second.joined, true);
  t.equal(second.operationId, "op-1");
  t.throws(
    () => locks.run(A, { key: "restore", operationId: "op-3", label: "restore" }, async () => "x"),
    { code: "ABORTED", operationId: "op-1", message: /busy: operation op-1 \(bind to vfio-pci\)/ },
  );
  g.open();
  t.equal(await first.promise, "done");
  t.equal(await second.promise, "done");
  t.equal(runs, 1);
  t.equal(locks.holder(A), null, "released after the run");
});

t.test("held past the run (a stuck write): every request is refused until release", async (t) => {
  const locks = new DeviceLocks({ maxParallel: 4 });
  let release!: () => void;
  await locks.run(A, { key: "k", operationId: "op-1", label: "bind" }, async (lease) => {
    lease.hold("has a write blocked");
    release = lease.release;
  }).promise;
  t.throws(() => locks.run(A, { key: "k", operationId: "op-2", label: "bind" }, async () => 1), {
    code: "ABORTED",
    message: /stuck/,
  });
  release();
  t.equal(
    await locks.run(A, { key: "k", operationId: "op-3", label: "bind" }, async () => 3).promise,
    3,
  );
});

t.test("devices run in parallel up to the bound, then wait their turn", async (t) => {
  const locks = new DeviceLocks({ maxParallel: 1 });
  const g = gate();
  const order: string[] = [];
  const a = locks.run(A, { key: "k", operationId: "a", label: "a" }, async () => {
    order.push("a-start");
    await g.opened;
    order.push("a-end");
  });
  const b = locks.run(B, { key: "k", operationId: "b", label: "b" }, async () => {
    order.push("b-start");
  });
  await new Promise((r) => setImmediate(r));
  t.same(order, ["a-start"], "b waits while a holds the only slot");
  t.equal(
    locks.holder(B)?.operationId,
    "b",
    "a waiting request still owns its device (joins work)",
  );
  g.open();
  await Promise.all([a.promise, b.promise]);
  t.same(order, ["a-start", "a-end", "b-start"]);
});

t.test("a failing run releases the lock and rejects joiners too", async (t) => {
  const locks = new DeviceLocks({ maxParallel: 2 });
  const run = locks.run(A, { key: "k", operationId: "a", label: "a" }, async () => {
    await new Promise((r) => setImmediate(r));
    throw new Error("boom");
  });
  const joined = locks.run(A, { key: "k", operationId: "b", label: "b" }, async () => 1);
  await t.rejects(run.promise, /boom/);
  await t.rejects(joined.promise, /boom/);
  t.equal(locks.holder(A), null);
});
