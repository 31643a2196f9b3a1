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
