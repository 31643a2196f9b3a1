import t from "tap";
import { AgentError, type DriverName, type PciAddress } from "../../src/common/index.js";
import { diagnose, parseKernelRelease, stepError } from "../../src/driver/diagnose.js";

const vfio = "vfio-pci" as DriverName;
const k61 = parseKernelRelease("6.1.0-56-amd64");
const k510 = parseKernelRelease("5.10.228-219.884.amzn2.x86_64");

t.test("kernel releases parse", async (t) => {
  t.same(k61, { major: 6, minor: 1 });
  t.same(k510, { major: 5, minor: 10 });
  t.equal(parseKernelRelease("weird"), null);
});

t.test("vfio-pci bind EINVAL on a current kernel means no IOMMU and noiommu off", async (t) => {
  const d = diagnose({ kind: "bind", driver: vfio }, "EINVAL", k61);
  t.match(d.message, /no IOMMU and noiommu mode off/);
  t.match(d.remedy, /enable_unsafe_noiommu_mode/);
});

t.test("before 5.14 every bind failure is ENODEV, and the diagnosis says so", async (t) => {
  const old = diagnose({ kind: "bind", driver: vfio }, "ENODEV", k510);
  t.match(old.message, /before Linux 5\.14 every bind failure reads ENODEV/);
  t.match(old.message, /no IOMMU/);
  const modern = diagnose({ kind: "bind", driver: vfio }, "ENODEV", k61);
  t.match(modern.message, /does not match the device/);
  t.match(diagnose({ kind: "bind", driver: vfio }, "EBUSY", k61).message, /already bound/);
  t.match(diagnose({ kind: "bind", driver: vfio }, "EAGAIN", k61).message, /deferred/);
});

t.test("unbind ENODEV means someone else moved the device", async (t) => {
  t.match(
    diagnose({ kind: "unbind", driver: vfio }, "ENODEV", k61).message,
    /not bound to vfio-pci/,
  );
  t.match(diagnose({ kind: "clear-override" }, "EACCES", k61).remedy, /root/);
});

t.test("stepError keeps code and errno and names the file written", async (t) => {
  const cause = new AgentError("FAILED_PRECONDITION", "write: EINVAL", { errno: "EINVAL" });
  const err = stepError("0000:00:06.0" as PciAddress, { kind: "bind", driver: vfio }, cause, k61);
  t.equal(err.code, "FAILED_PRECONDITION");
  t.equal(err.errno, "EINVAL");
  t.equal(err.path, "bus/pci/drivers/vfio-pci/bind");
  t.equal(err.device, "0000:00:06.0");
  t.match(
    err.message,
    /^bind \(write "0000:00:06\.0" to bus\/pci\/drivers\/vfio-pci\/bind\): EINVAL: vfio-pci refused/,
  );
});
