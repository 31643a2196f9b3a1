import t from "tap";
import { globToRegExp, qemuGuestHost } from "../../src/sim/index.js";
import { errnoOf } from "./errno-of.js";

const A = "0000:01:00.0";
const B = "0000:02:00.0";

t.test("globs stay within a path component unless doubled", async (t) => {
  t.ok(globToRegExp("bus/pci/drivers/*/bind").test("bus/pci/drivers/vfio-pci/bind"));
  t.notOk(globToRegExp("bus/pci/*/bind").test("bus/pci/drivers/vfio-pci/bind"));
  t.ok(globToRegExp("bus/**/bind").test("bus/pci/drivers/vfio-pci/bind"));
  t.notOk(globToRegExp("bus/pci/drivers/e1000e/bind").test("bus/pci/drivers/e1000ex/bind"));
});

t.test("the Nth matching write fails with the errno and never reaches the kernel", async (t) => {
  const k = qemuGuestHost({ mode: "iommu" });
  const fault = k.faults.failWrite("bus/pci/drivers/*/unbind", "EIO", { nth: 2 });
  t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/e1000e/unbind", A)), "OK");
  t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/e1000e/unbind", B)), "EIO");
  t.equal(k.device(B)?.driver, "e1000e", "the injected failure changed nothing");
  t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/e1000e/unbind", B)), "OK", "only once");
  t.equal(fault.matched, 3);
  t.equal(fault.fired, 1);
  const log = k.writeLog();
  t.same(
    log.map((r) => [r.result, r.injected]),
    [
      ["OK", false],
      ["EIO", true],
      ["OK", false],
    ],
  );
});

t.test("a blocked write waits for release, then happens", async (t) => {
  const k = qemuGuestHost({ mode: "iommu" });
  const hold = k.faults.blockWrite(/unbind$/, { data: A });
  let done = false;
  const write = k.sysfs.write("bus/pci/drivers/e1000e/unbind", A).then(() => {
    done = true;
  });
  await hold.whenFired();
  await new Promise((r) => setImmediate(r));
  t.equal(done, false);
  t.equal(hold.blocked, 1);
  t.equal(k.writeLog()[0]?.result, "pending");
  t.equal(k.device(A)?.driver, "e1000e");
  hold.release();
  await write;
  t.equal(k.device(A)?.driver, null);
  t.equal(k.writeLog()[0]?.result, "OK");
  // released rules no longer hold writes
  await k.sysfs.write("bus/pci/drivers/e1000e/unbind", B);
});

t.test("a delayed write happens after the delay; times and data narrow the rule", async (t) => {
  const k = qemuGuestHost({ mode: "iommu" });
  const slow = k.faults.delayWrite("bus/pci/drivers/e1000e/unbind", 30, { data: B });
  let done = false;
  const write = k.sysfs.write("bus/pci/drivers/e1000e/unbind", B).then(() => {
    done = true;
  });
  await k.sysfs.write("bus/pci/drivers/e1000e/unbind", A);
  t.equal(k.device(A)?.driver, null, "another payload is not delayed");
  t.equal(done, false);
  t.equal(k.device(B)?.driver, "e1000e", "not yet performed");
  await write;
  t.equal(k.device(B)?.driver, null, "performed after the delay");
  t.equal(slow.matched, 1);
  const always = k.faults.failWrite(/driver_override$/, "EPERM", { times: Infinity });
  for (let i = 0; i < 3; i++) {
    t.equal(await errnoOf(k.sysfs.write(`bus/pci/devices/${A}/driver_override`, "x")), "EPERM");
  }
  always.remove();
  t.equal(await errnoOf(k.sysfs.write(`bus/pci/devices/${A}/driver_override`, "x")), "OK");
});

t.test("reads can fail too, and clear() lets held writes through", async (t) => {
  const k = qemuGuestHost({ mode: "iommu" });
  k.faults.add({
    path: "bus/pci/devices/*/vendor",
    operation: "read",
    action: { kind: "fail", errno: "EIO" },
  });
  t.equal(await errnoOf(k.sysfs.read(`bus/pci/devices/${A}/vendor`)), "EIO");
  t.equal(await k.sysfs.read(`bus/pci/devices/${A}/vendor`), "0x8086\n", "only the first");
  const held = k.faults.blockWrite("bus/pci/drivers_probe");
  const probe = k.sysfs.write("bus/pci/drivers_probe", A);
  await held.whenFired();
  k.faults.clear();
  await probe;
  t.equal(held.blocked, 0);
});
