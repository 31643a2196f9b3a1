import t from "tap";
import { pciId, qemuGuestHost, SimKernel } from "../../src/sim/index.js";
import { errnoOf } from "./errno-of.js";

const A = "0000:01:00.0";
const B = "0000:02:00.0";

t.test(
  "a failing probe: its errno on bind (EPROBE_DEFER as EAGAIN); ENODEV before 5.14",
  async (t) => {
    for (const [style, deferred, io] of [
      ["modern", "EAGAIN", "EIO"],
      ["pre-5.14", "ENODEV", "ENODEV"],
    ] as const) {
      const k = qemuGuestHost({ mode: "iommu", errnoStyle: style });
      await k.sysfs.write("bus/pci/drivers/e1000e/unbind", A);
      k.failProbe({ device: A, driver: "e1000e", errno: "EPROBE_DEFER" });
      k.failProbe({ device: A, errno: "EIO" });
      t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/e1000e/bind", A)), deferred, style);
      t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/e1000e/bind", A)), io, style);
      t.equal(
        await errnoOf(k.sysfs.write("bus/pci/drivers/e1000e/bind", A)),
        "OK",
        `${style}: faults are used up`,
      );
    }
  },
);

t.test(
  "drivers_probe: a failing probe lets the next matching driver bind; OK either way",
  async (t) => {
    const k = new SimKernel({
      catalog: {
        first: { name: "first", module: "first", kind: "netdev", ids: [pciId(0x8086, 0x10d3)] },
        second: { name: "second", module: "second", kind: "netdev", ids: [pciId(0x8086, 0x10d3)] },
      },
    });
    k.addDevice({
      address: A,
      vendor: 0x8086,
      device: 0x10d3,
      class: 0x020000,
      mac: "02:00:00:00:00:01",
    });
    k.loadModule("first");
    k.loadModule("second");
    t.equal(k.device(A)?.driver, "first", "the first registered driver wins");
    await k.sysfs.write("bus/pci/drivers/first/unbind", A);
    k.failProbe({ device: A, driver: "first", errno: "EIO" });
    await k.sysfs.write("bus/pci/drivers_probe", A);
    t.equal(k.device(A)?.driver, "second");
    await k.sysfs.write("bus/pci/drivers/second/unbind", A);
    k.failProbe({ device: A, errno: "EIO", count: -1 });
    t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers_probe", A)), "OK");
    t.equal(k.device(A)?.driver, null, "only the driver link tells");
  },
);

t.test(
  "new_id binds every unbound matching device and no bound one; remove_id unbinds nothing",
  async (t) => {
    const k = qemuGuestHost({ mode: "noiommu" });
    await k.sysfs.write("bus/pci/drivers/e1000e/unbind", A);
    await k.sysfs.write("bus/pci/drivers/e1000e/unbind", B);
    await k.sysfs.write("bus/pci/drivers/vfio-pci/new_id", "8086 10d3\n");
    t.same(
      k
        .devices()
        .filter((d) => d.vendor === 0x8086 && d.device === 0x10d3)
        .map((d) => d.driver),
      ["vfio-pci", "vfio-pci", "e1000e"],
    );
    t.same(k.devNodes(), ["/dev/vfio/noiommu-0", "/dev/vfio/noiommu-1", "/dev/vfio/vfio"]);
    t.equal(
      await errnoOf(k.sysfs.write("bus/pci/drivers/vfio-pci/new_id", "0x8086 0x10d3")),
      "EEXIST",
    );
    t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/vfio-pci/remove_id", "8086 10d3")), "OK");
    t.equal(k.device(A)?.driver, "vfio-pci");
    t.equal(
      await errnoOf(k.sysfs.write("bus/pci/drivers/vfio-pci/remove_id", "8086 10d3")),
      "ENODEV",
    );
    t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/nosuch/new_id", "8086 10d3")), "ENOENT");
  },
);

t.test("the write log keeps exact bytes, the opened target and the result", async (t) => {
  const k = qemuGuestHost({ mode: "iommu" });
  await k.sysfs.write(`bus/pci/devices/${A}/driver/unbind`, new Uint8Array([...Buffer.from(A), 0]));
  await errnoOf(k.sysfs.write("bus/pci/drivers/e1000e/unbind", A));
  await errnoOf(k.sysfs.write("bus/pci/drivers/nope/bind", A));
  await errnoOf(k.sysfs.write(`bus/pci/devices/${A}/vendor`, "1"));
  await k.sysfs.write(`bus/pci/devices/${B}/driver_override`, new Uint8Array());
  const log = k.writeLog().map((r) => [r.seq, r.path, r.target, r.data, r.result]);
  t.same(log, [
    [1, `bus/pci/devices/${A}/driver/unbind`, "bus/pci/drivers/e1000e/unbind", `${A}\0`, "OK"],
    [2, "bus/pci/drivers/e1000e/unbind", "bus/pci/drivers/e1000e/unbind", A, "ENODEV"],
    [3, "bus/pci/drivers/nope/bind", null, A, "ENOENT"],
    [4, `bus/pci/devices/${A}/vendor`, null, "1", "EACCES"],
    [
      5,
      `bus/pci/devices/${B}/driver_override`,
      "devices/pci0000:00/0000:00:11.0/0000:02:00.0/driver_override",
      "",
      "OK",
    ],
  ]);
  k.clearWriteLog();
  await k.sysfs.write("bus/pci/drivers_probe", A);
  t.equal(k.writeLog()[0]?.seq, 6, "sequence numbers are never reused");
});

t.test(
  "kernfs caps a store at one page: a longer accepted write is a short write (EIO)",
  async (t) => {
    const k = qemuGuestHost({ mode: "noiommu" });
    const long = `8086 10d3${" ".repeat(5000)}`;
    t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/vfio-pci/new_id", long)), "EIO");
    t.equal(
      await errnoOf(k.sysfs.write("bus/pci/drivers/vfio-pci/new_id", "8086 10d3")),
      "EEXIST",
      "the page that was stored took effect",
    );
  },
);

t.test("other attributes: enable, drivers_autoprobe, uevent, mtu, carrier", async (t) => {
  const k = qemuGuestHost({ mode: "iommu" });
  const s = k.sysfs;
  t.equal(await errnoOf(s.write(`bus/pci/devices/${A}/enable`, "0")), "EBUSY", "bound");
  await s.write("bus/pci/drivers/e1000e/unbind", A);
  t.equal(await s.read(`bus/pci/devices/${A}/enable`), "0\n");
  t.equal(await errnoOf(s.write(`bus/pci/devices/${A}/enable`, "0")), "EIO");
  await s.write(`bus/pci/devices/${A}/enable`, "1");
  t.equal(await s.read(`bus/pci/devices/${A}/enable`), "1\n");
  await s.write("bus/pci/drivers_autoprobe", "0");
  await s.write(`bus/pci/devices/${B}/remove`, "1");
  await s.write("bus/pci/rescan", "1");
  t.equal(k.device(B)?.driver, null, "no autoprobe: rescanned devices stay unbound");
  t.equal(await errnoOf(s.write(`bus/pci/devices/${B}/uevent`, "change")), "OK");
  t.equal(await errnoOf(s.write(`bus/pci/devices/${B}/uevent`, "explode")), "EINVAL");
  t.equal(await errnoOf(s.write("class/net/eth2/mtu", "9000")), "OK");
  t.equal(await s.read("class/net/eth2/mtu"), "9000\n");
  t.equal(await errnoOf(s.write("class/net/eth2/mtu", "12")), "EINVAL");
  t.equal(await errnoOf(s.read("class/net/eth2/carrier")), "EINVAL", "down");
  k.setLinkState("eth2", "up");
  t.equal(await s.read("class/net/eth2/carrier"), "1\n");
  t.equal(await errnoOf(s.read("bus/pci/drivers")), "EISDIR");
  t.equal(await errnoOf(s.list("bus/pci/drivers_probe")), "ENOTDIR");
  t.equal(await errnoOf(s.readlink("bus/pci/drivers_probe")), "EINVAL");
  t.equal(await s.exists("bus/pci/devices/0000:01:00.0/net/eth9"), false);
  await t.rejects(s.read("../etc/passwd"), { code: "INVALID_ARGUMENT" }, "port paths are checked");
});

t.test("the 5.19 NUL quirk: a NUL byte sets an empty override that matches nothing", async (t) => {
  const k = new SimKernel({ config: { nulOverrideQuirk: true } });
  k.addDevice({
    address: A,
    vendor: 0x8086,
    device: 0x10d3,
    class: 0x020000,
    mac: "02:00:00:00:00:01",
  });
  k.loadModule("e1000e");
  await k.sysfs.write("bus/pci/drivers/e1000e/unbind", A);
  await k.sysfs.write(`bus/pci/devices/${A}/driver_override`, new Uint8Array([0]));
  t.equal(await k.sysfs.read(`bus/pci/devices/${A}/driver_override`), "\n");
  t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/e1000e/bind", A)), "ENODEV");
  await k.sysfs.write(`bus/pci/devices/${A}/driver_override`, "\n");
  t.equal(await errnoOf(k.sysfs.write("bus/pci/drivers/e1000e/bind", A)), "OK", '"\\n" clears it');
});
