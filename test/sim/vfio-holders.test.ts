import t from "tap";
import { ec2Host, qemuGuestHost } from "../../src/sim/index.js";
import { errnoOf } from "./errno-of.js";

const ENA = "0000:00:06.0";

/** ens6 moved to vfio-pci on an EC2 host, as the agent would do it. */
async function onVfio() {
  const k = ec2Host();
  await k.sysfs.write(`bus/pci/devices/${ENA}/driver_override`, "vfio-pci");
  await k.sysfs.write("bus/pci/drivers/ena/unbind", ENA);
  await k.sysfs.write("bus/pci/drivers/vfio-pci/bind", ENA);
  return k;
}

t.test("a DPDK process holding the group shows up as a holder until the node goes", async (t) => {
  const k = await onVfio();
  t.same(k.devNodes(), ["/dev/vfio/noiommu-0", "/dev/vfio/vfio"]);
  const dpdk = k.spawn("dpdk-testpmd");
  dpdk.open("/dev/vfio/noiommu-0");
  t.same(await k.holders.holders(["/dev/vfio/noiommu-0"]), [
    { pid: dpdk.pid, command: "dpdk-testpmd", node: "/dev/vfio/noiommu-0" },
  ]);
  t.same(
    await k.holders.scan(["/dev/vfio/noiommu-0", "/dev/vfio/vfio"], { firstOnly: true }),
    {
      status: "held",
      holders: [{ pid: dpdk.pid, command: "dpdk-testpmd", node: "/dev/vfio/noiommu-0" }],
      read: 1,
      listed: 1,
    },
    "a yes/no scan answers like the real one",
  );
  const other = k.spawn("other");
  t.equal(await errnoOf(Promise.resolve().then(() => other.open("/dev/vfio/noiommu-0"))), "EBUSY");
  // A group fd alone does not block the unbind; the node disappears with it.
  await k.sysfs.write("bus/pci/drivers/vfio-pci/unbind", ENA);
  t.same(await k.holders.holders(["/dev/vfio/noiommu-0"]), []);
  t.same(await k.holders.scan(["/dev/vfio/noiommu-0"]), { status: "free", read: 2, listed: 2 });
  t.equal(dpdk.fds()[0]?.deleted, true);
});

t.test("an open vfio device fd blocks the unbind until it is closed", async (t) => {
  const k = await onVfio();
  const dpdk = k.spawn("dpdk-testpmd");
  dpdk.open("/dev/vfio/noiommu-0");
  const deviceFd = dpdk.openVfioDevice(ENA);
  t.equal(await k.sysfs.read(`bus/pci/devices/${ENA}/enable`), "1\n", "user space enabled it");
  let unbound = false;
  const unbind = k.sysfs.write("bus/pci/drivers/vfio-pci/unbind", ENA).then(() => {
    unbound = true;
  });
  await new Promise((r) => setImmediate(r));
  t.equal(unbound, false, "the unbind waits");
  t.equal(k.writeLog().at(-1)?.result, "pending");
  // The driver links are already gone, but the driver still owns the device.
  t.notOk(await k.sysfs.exists(`bus/pci/devices/${ENA}/driver`));
  t.notOk(await k.sysfs.exists(`bus/pci/drivers/vfio-pci/${ENA}`));
  t.same(k.devNodes(), ["/dev/vfio/noiommu-0", "/dev/vfio/vfio"]);
  // drivers_probe sees a driver and does nothing; bind and the override wait for the device lock.
  t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers_probe", ENA)), "OK");
  let overrideRead: string | null = null;
  const read = k.sysfs.read(`bus/pci/devices/${ENA}/driver_override`).then((v) => {
    overrideRead = v;
  });
  const bind = errnoOf(k.sysfs.write("bus/pci/drivers/ena/bind", ENA));
  await new Promise((r) => setImmediate(r));
  t.equal(overrideRead, null, "reading driver_override waits too");
  dpdk.close(deviceFd);
  await unbind;
  await read;
  t.equal(overrideRead, "vfio-pci\n");
  // The override still names vfio-pci, so ena does not match: ENODEV.
  t.equal(await bind, "ENODEV");
  t.equal(k.device(ENA)?.driver, null);
  t.same(k.devNodes(), ["/dev/vfio/vfio"]);
});

t.test("enable counts the device open until its last device fd closes", async (t) => {
  const k = await onVfio();
  const enable = () => k.sysfs.read(`bus/pci/devices/${ENA}/enable`);
  t.equal(await enable(), "0\n", "bound and unopened");
  const dpdk = k.spawn("dpdk-testpmd");
  dpdk.open("/dev/vfio/noiommu-0");
  t.equal(await enable(), "0\n", "the group alone does not enable the device");
  // The group path lets one owner open the device several times; only the
  // first open enables it and only the last close disables it.
  const first = dpdk.openVfioDevice(ENA);
  const second = dpdk.openVfioDevice(ENA);
  t.equal(await enable(), "1\n");
  dpdk.close(first);
  t.equal(await enable(), "1\n", "one device fd is still open");
  t.equal(k.device(ENA)?.powerState, "D0");
  dpdk.close(second);
  t.equal(await enable(), "0\n", "the last close disables it");
  t.equal(k.device(ENA)?.powerState, "D3hot");
});

t.test("a process exit releases its device fds", async (t) => {
  const k = await onVfio();
  const dpdk = k.spawn("dpdk");
  dpdk.open("/dev/vfio/noiommu-0");
  dpdk.openVfioDevice(ENA);
  const unbind = k.sysfs.write("bus/pci/drivers/vfio-pci/unbind", ENA);
  dpdk.exit();
  await unbind;
  t.equal(k.device(ENA)?.driver, null);
  t.equal(k.process(dpdk.pid), undefined);
});

t.test("a device fd needs the group held, and a bound vfio device", async (t) => {
  const k = await onVfio();
  const p = k.spawn("p");
  t.equal(await errnoOf(Promise.resolve().then(() => p.openVfioDevice(ENA))), "EINVAL");
  t.equal(await errnoOf(Promise.resolve().then(() => p.open("/dev/vfio/42"))), "ENOENT");
});

t.test(
  "uio: /dev/uio<N> exists while uio_pci_generic holds the device; holders see it",
  async (t) => {
    const k = qemuGuestHost({ mode: "stock" });
    const A = "0000:01:00.0";
    await k.sysfs.write(`bus/pci/devices/${A}/driver_override`, "uio_pci_generic");
    await k.sysfs.write("bus/pci/drivers/e1000e/unbind", A);
    await k.sysfs.write("bus/pci/drivers/uio_pci_generic/bind", A);
    t.same(k.devNodes(), ["/dev/uio0", "/dev/vfio/vfio"]);
    t.equal(
      await k.sysfs.readlink("class/uio/uio0"),
      "../../devices/pci0000:00/0000:00:10.0/0000:01:00.0/uio/uio0",
    );
    const app = k.spawn("app");
    app.open("/dev/uio0");
    app.open("/dev/uio0");
    t.equal((await k.holders.holders(["/dev/uio0"])).length, 1, "one entry per process and node");
    await k.sysfs.write("bus/pci/drivers/uio_pci_generic/unbind", A);
    t.same(k.devNodes(), ["/dev/vfio/vfio"]);
    t.same(await k.holders.holders(["/dev/uio0"]), []);
  },
);
