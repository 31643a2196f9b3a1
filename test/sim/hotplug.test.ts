import t from "tap";
import { ec2Host, ec2Mac } from "../../src/sim/index.js";
import { errnoOf } from "./errno-of.js";

t.test("a hot-plugged ENA is probed by ena and named after its slot", async (t) => {
  const k = ec2Host();
  k.addDevice({
    address: "0000:00:09.0",
    vendor: 0x1d0f,
    device: 0xec20,
    class: 0x020000,
    numaNode: 0,
    mac: ec2Mac(9),
  });
  t.same(await k.sysfs.list("bus/pci/devices/0000:00:09.0/net"), ["ens9"]);
  t.equal(await k.sysfs.read("class/net/ens9/address"), "02:4e:a0:00:00:09\n");
  t.equal(await k.sysfs.read("class/net/ens9/operstate"), "down\n");
  t.match(
    await errnoOf(
      Promise.resolve().then(() =>
        k.addDevice({ address: "0000:00:09.0", vendor: 1, device: 1, class: 0 }),
      ),
    ),
    /ALREADY_EXISTS|EEXIST|Error/,
  );
});

t.test(
  "a detached ENI disappears with its netdev and routes, and a rescan does not bring it back",
  async (t) => {
    const k = ec2Host();
    k.addDefaultRoute({ interface: "ens6", family: 4, gateway: "10.0.1.1", metric: 10 });
    await k.unplugDevice("0000:00:06.0");
    t.notOk(await k.sysfs.exists("bus/pci/devices/0000:00:06.0"));
    t.notOk(await k.sysfs.exists("class/net/ens6"));
    t.same(
      k.defaultRoutes().map((r) => r.interface),
      ["ens5", "ens5"],
    );
    await k.sysfs.write("bus/pci/rescan", "1");
    t.notOk(await k.sysfs.exists("bus/pci/devices/0000:00:06.0"));
    t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/ena/unbind", "0000:00:06.0")), "ENODEV");
  },
);

t.test("sysfs remove + rescan: the device comes back probed, its override reset", async (t) => {
  const k = ec2Host();
  const dev = "0000:00:07.0";
  await k.sysfs.write(`bus/pci/devices/${dev}/driver_override`, "vfio-pci");
  t.equal(await errnoOf(k.sysfs.write(`bus/pci/devices/${dev}/remove`, "x")), "EINVAL");
  t.equal(await errnoOf(k.sysfs.write(`bus/pci/devices/${dev}/remove`, "0")), "OK");
  t.ok(await k.sysfs.exists(`bus/pci/devices/${dev}`), '"0" removes nothing');
  await k.sysfs.write(`bus/pci/devices/${dev}/remove`, "1\n");
  t.notOk(await k.sysfs.exists(`bus/pci/devices/${dev}`));
  t.notOk(await k.sysfs.exists("class/net/ens7"));
  await k.sysfs.write("bus/pci/rescan", "1");
  t.equal(await k.sysfs.read(`bus/pci/devices/${dev}/driver_override`), "(null)\n");
  t.equal(await k.sysfs.readlink(`bus/pci/devices/${dev}/driver`), "../../../bus/pci/drivers/ena");
  t.same(await k.sysfs.list(`bus/pci/devices/${dev}/net`), ["ens7"]);
});

t.test("unloading a module unbinds its devices and removes its driver directory", async (t) => {
  const k = ec2Host();
  await k.sysfs.write("bus/pci/devices/0000:00:08.0/driver_override", "vfio-pci");
  await k.sysfs.write("bus/pci/drivers/ena/unbind", "0000:00:08.0");
  await k.sysfs.write("bus/pci/drivers/vfio-pci/bind", "0000:00:08.0");
  t.throws(() => k.unloadModule("vfio"), { code: "FAILED_PRECONDITION" }, "vfio_pci needs vfio");
  k.unloadModule("vfio_pci");
  t.equal(k.device("0000:00:08.0")?.driver, null);
  t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/vfio-pci/bind", "0000:00:08.0")), "ENOENT");
  t.notOk(await k.sysfs.exists("module/vfio_pci"));
  // Loading vfio_pci again probes the device: its override names vfio-pci.
  k.loadModule("vfio_pci");
  t.equal(k.device("0000:00:08.0")?.driver, "vfio-pci");
});

t.test(
  "unloading vfio drops the no-IOMMU parameter; loading without it leaves vfio-pci unable to probe",
  async (t) => {
    const k = ec2Host();
    k.unloadModule("vfio_pci");
    k.unloadModule("vfio");
    t.notOk(await k.sysfs.exists("module/vfio"));
    k.loadModule("vfio_pci");
    t.equal(await k.sysfs.read("module/vfio/parameters/enable_unsafe_noiommu_mode"), "N\n");
    await k.sysfs.write("bus/pci/devices/0000:00:08.0/driver_override", "vfio-pci");
    await k.sysfs.write("bus/pci/drivers/ena/unbind", "0000:00:08.0");
    t.equal(
      await errnoOf(k.sysfs.write("bus/pci/drivers/vfio-pci/bind", "0000:00:08.0")),
      "EINVAL",
    );
    t.equal(
      await errnoOf(k.sysfs.write("module/vfio/parameters/enable_unsafe_noiommu_mode", "maybe")),
      "EINVAL",
    );
    await k.sysfs.write("module/vfio/parameters/enable_unsafe_noiommu_mode", "1");
    t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/vfio-pci/bind", "0000:00:08.0")), "OK");
  },
);
