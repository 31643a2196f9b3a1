import t from "tap";
import { EC2_PRIMARY, ec2Host, QEMU_NICS, qemuGuestHost, scaledHost } from "../../src/sim/index.js";

t.test(
  "ec2Host: ENAs on ena named by slot, the primary routed, other devices present",
  async (t) => {
    const k = ec2Host();
    const s = k.sysfs;
    t.same(await s.list("bus/pci/drivers/ena"), [
      "0000:00:05.0",
      "0000:00:06.0",
      "0000:00:07.0",
      "0000:00:08.0",
      "bind",
      "module",
      "new_id",
      "remove_id",
      "uevent",
      "unbind",
    ]);
    t.equal(await s.read(`bus/pci/devices/${EC2_PRIMARY}/device`), "0xec20\n");
    t.equal(
      await s.readlink("bus/pci/devices/0000:00:04.0/driver"),
      "../../../bus/pci/drivers/nvme",
    );
    t.notOk(
      await s.exists("bus/pci/devices/0000:00:03.0/driver"),
      "the VGA function has no driver",
    );
    t.notOk(await s.exists(`bus/pci/devices/${EC2_PRIMARY}/iommu_group`), "no IOMMU");
    t.same(
      (await k.routes.defaultRoutes()).map((r) => [r.family, r.interface]),
      [
        [4, "ens5"],
        [6, "ens5"],
      ],
    );
    t.equal(await s.read("class/net/ens6/operstate"), "up\n");
    t.equal(await s.read("class/net/ens6/mtu"), "1500\n");
    t.notOk(await s.exists("bus/pci/drivers/igb_uio"), "igb_uio is known but not loaded");
    k.loadModule("igb_uio");
    t.ok(await s.exists("bus/pci/drivers/igb_uio/bind"));
    const pre = ec2Host({ enis: 2, errnoStyle: "pre-5.14", noiommu: false });
    t.same(await pre.sysfs.list("class/net"), ["ens5", "ens6", "lo"]);
    t.equal(await pre.sysfs.read("module/vfio/parameters/enable_unsafe_noiommu_mode"), "N\n");
  },
);

t.test("qemuGuestHost mirrors the observed guest in each mode", async (t) => {
  const iommu = qemuGuestHost({ mode: "iommu" });
  t.same(await iommu.sysfs.list("kernel/iommu_groups"), [
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
  ]);
  t.equal(
    await iommu.sysfs.readlink(`bus/pci/devices/${QEMU_NICS[0]}/iommu_group`),
    "../../../../kernel/iommu_groups/6",
  );
  t.equal(
    await iommu.sysfs.readlink(`bus/pci/devices/${QEMU_NICS[0]}/iommu`),
    "../../../virtual/iommu/dmar0",
  );
  t.same(await iommu.sysfs.list("class/net"), ["eth0", "eth1", "eth2", "eth3", "lo"]);
  t.equal(await iommu.sysfs.readlink("class/net/eth3/device"), "../../../virtio0");
  t.equal(
    await iommu.sysfs.readlink("bus/pci/devices/0000:00:10.0/driver"),
    "../../../bus/pci/drivers/pcieport",
  );
  t.notOk(
    await iommu.sysfs.exists("module/vfio/parameters"),
    "vfio built without no-IOMMU support",
  );
  const stock = qemuGuestHost({ mode: "stock", virtio: false });
  t.same(await stock.sysfs.list("kernel/iommu_groups"), []);
  t.same(await stock.sysfs.list("class/net"), ["eth0", "eth1", "eth2", "lo"]);
  const noiommu = qemuGuestHost({ mode: "noiommu" });
  t.equal(await noiommu.sysfs.read("module/vfio/parameters/enable_unsafe_noiommu_mode"), "Y\n");
  t.equal(await noiommu.sysfs.read(`bus/pci/devices/${QEMU_NICS[0]}/numa_node`), "-1\n");
});

t.test("scaledHost: n ENAs on ena, eth0 routed, NUMA nodes alternating", async (t) => {
  const k = scaledHost(100);
  const devices = await k.sysfs.list("bus/pci/devices");
  t.equal(devices.length, 100);
  t.equal(devices[33], "0000:02:01.0");
  t.equal(await k.sysfs.read(`bus/pci/devices/${devices[1]}/numa_node`), "1\n");
  t.equal((await k.sysfs.list("class/net")).length, 101);
  t.same(
    (await k.routes.defaultRoutes()).map((r) => r.interface),
    ["eth0"],
  );
});
