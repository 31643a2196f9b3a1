import t from "tap";
import { ec2Host, qemuGuestHost, SimKernel } from "../../src/sim/index.js";
import { errnoOf } from "./errno-of.js";

const A = "0000:01:00.0";

t.test("a round trip e1000e → vfio-pci → e1000e keeps the MAC and name", async (t) => {
  const k = qemuGuestHost({ mode: "noiommu" });
  const s = k.sysfs;
  t.equal(await s.read(`bus/pci/devices/${A}/net/eth0/address`), "52:54:00:12:34:01\n");
  await s.write(`bus/pci/devices/${A}/driver_override`, "vfio-pci");
  await s.write("bus/pci/drivers/e1000e/unbind", A);
  t.notOk(await s.exists(`bus/pci/devices/${A}/net`), "netdev gone on unbind");
  await s.write("bus/pci/drivers/vfio-pci/bind", A);
  t.equal(await s.readlink(`bus/pci/devices/${A}/driver`), "../../../../bus/pci/drivers/vfio-pci");
  t.same(await s.list(`bus/pci/devices/${A}/vfio-dev`), ["vfio0"]);
  t.same(k.devNodes(), ["/dev/vfio/noiommu-0", "/dev/vfio/vfio"]);
  t.equal(await s.read("kernel/iommu_groups/0/name"), "vfio-noiommu\n");
  await s.write("bus/pci/drivers/vfio-pci/unbind", A);
  t.notOk(await s.exists(`bus/pci/devices/${A}/iommu_group`), "no-IOMMU group gone");
  await s.write(`bus/pci/devices/${A}/driver_override`, "\n");
  await s.write("bus/pci/drivers_probe", A);
  t.same(await s.list(`bus/pci/devices/${A}/net`), ["eth0"]);
  t.equal(await s.read(`bus/pci/devices/${A}/net/eth0/operstate`), "down\n");
  t.equal(await s.read(`bus/pci/devices/${A}/driver_override`), "(null)\n");
});

t.test("stock vfio refuses the probe with EINVAL and leaves the device unbound", async (t) => {
  const k = qemuGuestHost({ mode: "stock" });
  const s = k.sysfs;
  await s.write(`bus/pci/devices/${A}/driver_override`, "vfio-pci");
  await s.write("bus/pci/drivers/e1000e/unbind", A);
  t.equal(await errnoOf(s.write("bus/pci/drivers/vfio-pci/bind", A)), "EINVAL");
  t.notOk(await s.exists(`bus/pci/devices/${A}/driver`));
  const pre = new SimKernel({ config: { errnoStyle: "pre-5.14", noiommuSupported: false } });
  pre.addDevice({
    address: A,
    vendor: 0x8086,
    device: 0x10d3,
    class: 0x020000,
    mac: "02:00:00:00:00:01",
  });
  pre.loadModule("vfio_pci");
  await pre.sysfs.write(`bus/pci/devices/${A}/driver_override`, "vfio-pci");
  t.equal(await errnoOf(pre.sysfs.write("bus/pci/drivers/vfio-pci/bind", A)), "ENODEV");
});

t.test("ec2Host names ENAs by slot and routes through ens5", async (t) => {
  const k = ec2Host();
  t.same(await k.sysfs.list("class/net"), ["ens5", "ens6", "ens7", "ens8", "lo"]);
  t.equal(await k.sysfs.read("class/net/ens5/mtu"), "9001\n");
  t.equal(await k.sysfs.read("bus/pci/devices/0000:00:05.0/numa_node"), "0\n");
  t.equal(await k.sysfs.read("module/vfio/parameters/enable_unsafe_noiommu_mode"), "Y\n");
  t.same(
    k.defaultRoutes().map((r) => r.interface),
    ["ens5", "ens5"],
  );
  await k.sysfs.write("bus/pci/drivers/ena/unbind", "0000:00:05.0");
  t.same(k.defaultRoutes(), [], "routes flushed with the interface");
});
