import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { AgentError } from "../../src/common/index.js";
import { scanInventory } from "../../src/sysfs/inventory.js";
import { RealSysfs } from "../../src/sysfs/real-sysfs.js";
import type { Sysfs } from "../../src/sysfs/sysfs.js";
import { fixtureHost } from "./fixtures.js";

const ec2 = () => new RealSysfs({ root: fixtureHost("ec2-mixed").sys });

t.test("one pass finds every device with ids, driver, override and netdevs", async (t) => {
  const inventory = await scanInventory(ec2());
  t.same(
    inventory.devices.map((d) => [d.address, d.kind, d.driver]),
    [
      ["0000:00:00.0", "other", null],
      ["0000:00:04.0", "other", "nvme"],
      ["0000:00:05.0", "ena", "ena"],
      ["0000:00:06.0", "ena", "ena"],
      ["0000:00:07.0", "ena", "vfio-pci"],
      ["0000:00:08.0", "ena", "uio_pci_generic"],
      ["0000:00:09.0", "ena", null],
      ["0000:00:0a.0", "efa", "efa"],
      ["0000:00:0b.0", "network", "virtio-pci"],
    ],
  );
  t.same(inventory.byAddress("00:05.0"), {
    address: "0000:00:05.0",
    vendor: "1d0f",
    device: "ec20",
    subsystemVendor: "1d0f",
    subsystemDevice: "0000",
    classCode: "020000",
    revision: "00",
    kind: "ena",
    name: "Elastic Network Adapter (ENA)",
    driver: "ena",
    driverOverride: null,
    numaNode: 0,
    iommuGroup: null,
    devNode: null,
    interfaces: [{ name: "ens5", mac: "0e:49:61:0f:c3:11", mtu: 9001, operstate: "up" }],
  });
});

t.test("DPDK-bound devices get their group and device node from sysfs", async (t) => {
  const inventory = await scanInventory(ec2(), { devRoot: "/dev" });
  const vfio = inventory.byAddress("0000:00:07.0")!;
  t.same(vfio.iommuGroup, { id: 0, noiommu: true });
  t.equal(vfio.devNode, "/dev/vfio/noiommu-0");
  t.equal(vfio.driverOverride, "vfio-pci");
  t.same(vfio.interfaces, []);
  const uio = inventory.byAddress("0000:00:08.0")!;
  t.equal(uio.devNode, "/dev/uio0");
  t.equal(uio.iommuGroup, null);

  const viommu = await scanInventory(new RealSysfs({ root: fixtureHost("viommu").sys }), {
    devRoot: "/guest/dev",
  });
  t.same(viommu.byAddress("0000:01:00.0")!.iommuGroup, { id: 6, noiommu: false });
  t.equal(viommu.byAddress("0000:01:00.0")!.devNode, "/guest/dev/vfio/6");
  t.same(viommu.byAddress("0000:00:02.0")!.iommuGroup, { id: 5, noiommu: false });
  t.equal(
    viommu.byAddress("0000:00:02.0")!.devNode,
    null,
    "no node while the kernel driver holds it",
  );
});

t.test("override text is kept as the kernel stores it, (null) means unset", async (t) => {
  const inventory = await scanInventory(ec2());
  t.equal(inventory.byAddress("0000:00:09.0")!.driverOverride, " vfio-pci ");
  t.equal(inventory.byAddress("0000:00:06.0")!.driverOverride, null);
});

t.test("virtio-net interfaces are found one level down", async (t) => {
  const inventory = await scanInventory(ec2());
  const virtio = inventory.byInterface("eth9")!;
  t.equal(virtio.address, "0000:00:0b.0");
  t.same(virtio.interfaces, [
    { name: "eth9", mac: "52:54:00:12:34:56", mtu: 1500, operstate: "up" },
  ]);
  t.equal(virtio.name, "virtio network");
});

t.test("lookups by address, interface and MAC normalize their input", async (t) => {
  const inventory = await scanInventory(ec2());
  t.equal(inventory.byAddress("0000:00:06.0")?.address, "0000:00:06.0");
  t.equal(inventory.byAddress("00:06.0")?.address, "0000:00:06.0");
  t.equal(inventory.byAddress("0000:00:0A.0")?.kind, "efa");
  t.equal(inventory.byAddress("0000:00:1f.0"), undefined);
  t.equal(inventory.byAddress("../etc"), undefined);
  t.equal(inventory.byInterface("ens6")?.address, "0000:00:06.0");
  t.equal(inventory.byInterface("ens7"), undefined);
  // Stored upper case by the fixture, found in any spelling.
  t.equal(inventory.byMac("0e:49:61:0f:c3:22")?.address, "0000:00:06.0");
  t.equal(inventory.byMac("0E-49-61-0F-C3-22")?.address, "0000:00:06.0");
  t.equal(inventory.byMac("not a mac"), undefined);
  t.same(inventory.byInterface("ens6")!.interfaces[0], {
    name: "ens6",
    mac: "0e:49:61:0f:c3:22",
    mtu: 1500,
    operstate: "down",
  });
});

t.test("known ids get readable names, unknown ones a vendor/class name", async (t) => {
  const inventory = await scanInventory(ec2());
  t.equal(inventory.byAddress("0000:00:07.0")!.name, "Elastic Network Adapter (ENA, LLQ)");
  t.equal(inventory.byAddress("0000:00:0a.0")!.name, "Elastic Fabric Adapter (EFA)");
  t.equal(inventory.byAddress("0000:00:04.0")!.name, "NVMe EBS Controller");
  t.equal(inventory.byAddress("0000:00:00.0")!.name, "440FX Host Bridge");
});

/** A device directory with only the three required attributes. */
async function minimalTree(t: Test): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "eni-agent-inv-"));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dev = join(root, "bus/pci/devices/0000:00:1f.0");
  await mkdir(dev, { recursive: true });
  await writeFile(join(dev, "vendor"), "0x8086\n");
  await writeFile(join(dev, "device"), "0x10d3\n");
  await writeFile(join(dev, "class"), "0x020000\n");
  // Names that are not PCI addresses are ignored, not read.
  await mkdir(join(root, "bus/pci/devices/not-a-device"));
  return root;
}

t.test("missing optional attributes become null", async (t) => {
  const inventory = await scanInventory(new RealSysfs({ root: await minimalTree(t) }));
  t.same(inventory.devices, [
    {
      address: "0000:00:1f.0",
      vendor: "8086",
      device: "10d3",
      subsystemVendor: null,
      subsystemDevice: null,
      classCode: "020000",
      revision: null,
      kind: "network",
      name: "82574L Gigabit Ethernet (e1000e)",
      driver: null,
      driverOverride: null,
      numaNode: null,
      iommuGroup: null,
      devNode: null,
      interfaces: [],
    },
  ]);
});

/** Wraps a Sysfs so that some paths fail with a given errno, as a racing kernel would. */
function failing(inner: Sysfs, match: RegExp, errno: string): Sysfs {
  const fail = (op: string, path: string) =>
    new AgentError(errno === "ENOENT" ? "NOT_FOUND" : "INTERNAL", `${op} ${path}: ${errno}`, {
      errno,
      syscall: op,
      path,
    });
  const guard =
    <A extends unknown[], R>(op: string, fn: (path: string, ...rest: A) => Promise<R>) =>
    (path: string, ...rest: A) =>
      match.test(path) ? Promise.reject(fail(op, path)) : fn(path, ...rest);
  return {
    description: `failing ${inner.description}`,
    read: guard("read", (p) => inner.read(p)),
    write: guard("write", (p, d: string | Uint8Array) => inner.write(p, d)),
    readlink: guard("readlink", (p) => inner.readlink(p)),
    list: guard("list", (p) => inner.list(p)),
    exists: guard("exists", (p) => inner.exists(p)),
  };
}

t.test("a device removed mid-scan is skipped, not a crash", async (t) => {
  // Listed by bus/pci/devices, then gone when its attributes are read.
  const gone = failing(ec2(), /0000:00:06\.0\/(vendor|device|class)$/, "ENOENT");
  const inventory = await scanInventory(gone);
  t.equal(inventory.devices.length, 8);
  t.equal(inventory.byAddress("0000:00:06.0"), undefined);
  t.equal(inventory.byInterface("ens6"), undefined);
  // kernfs answers ENODEV on an attribute of a device being removed.
  const removing = failing(ec2(), /0000:00:05\.0\/class$/, "ENODEV");
  t.equal((await scanInventory(removing)).byAddress("0000:00:05.0"), undefined);
  // Its directory already gone.
  const noDir = failing(ec2(), /^bus\/pci\/devices\/0000:00:07\.0$/, "ENOENT");
  t.equal((await scanInventory(noDir)).devices.length, 8);
  // A netdev unregistered mid-scan leaves the device without that interface.
  const netGone = failing(ec2(), /0000:00:05\.0\/net$/, "ENOENT");
  t.same((await scanInventory(netGone)).byAddress("0000:00:05.0")!.interfaces, []);
});

t.test("other errors are not hidden", async (t) => {
  await t.rejects(scanInventory(failing(ec2(), /0000:00:05\.0\/vendor$/, "EIO")), {
    code: "INTERNAL",
    errno: "EIO",
  });
  await t.rejects(scanInventory(failing(ec2(), /^bus\/pci\/devices$/, "ENOENT")), {
    code: "NOT_FOUND",
  });
});

t.test("all devices are read concurrently", async (t) => {
  const inner = ec2();
  let inFlight = 0;
  let maxInFlight = 0;
  const track =
    <R>(fn: (path: string) => Promise<R>) =>
    async (path: string): Promise<R> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await fn(path);
      } finally {
        inFlight--;
      }
    };
  const counting: Sysfs = {
    ...inner,
    description: inner.description,
    read: track((p) => inner.read(p)),
    readlink: track((p) => inner.readlink(p)),
    list: track((p) => inner.list(p)),
    exists: track((p) => inner.exists(p)),
    write: (p, d) => inner.write(p, d),
  };
  await scanInventory(counting);
  t.ok(maxInFlight >= 9, `at least one request per device in flight at once (saw ${maxInFlight})`);
});

t.test("the scan never writes", async (t) => {
  const inner = ec2();
  let writes = 0;
  const counting: Sysfs = {
    description: inner.description,
    read: (p) => inner.read(p),
    readlink: (p) => inner.readlink(p),
    list: (p) => inner.list(p),
    exists: (p) => inner.exists(p),
    write: async () => {
      writes++;
    },
  };
  t.equal((await scanInventory(counting)).devices.length, 9);
  t.equal(writes, 0);
});
