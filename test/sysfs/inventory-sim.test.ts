/**
 * The inventory through the real adapter on simulated hosts written out by
 * the simulator's materialize(): what the scan reports must match the
 * simulator's own model of every device, including after real binds made
 * through the simulator's sysfs (vfio-pci in no-IOMMU and IOMMU mode, uio).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { ec2Host, materialize, qemuGuestHost, type SimKernel } from "../../src/sim/index.js";
import { parsePciAddress, readBinding, readDevice } from "../../src/sysfs/index.js";
import { scanInventory } from "../../src/sysfs/inventory.js";
import { RealSysfs } from "../../src/sysfs/real-sysfs.js";

async function written(t: Test, kernel: SimKernel): Promise<RealSysfs> {
  const dir = await mkdtemp(join(tmpdir(), "eni-agent-sim-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await materialize(kernel, join(dir, "sys"));
  return new RealSysfs({ root: join(dir, "sys") });
}

/** Hands a device to a user-space driver the way the agent will: override, unbind, probe. */
async function handOver(kernel: SimKernel, address: string, driver: string): Promise<void> {
  const current = kernel.device(address)!.driver!;
  await kernel.sysfs.write(`bus/pci/devices/${address}/driver_override`, `${driver}\n`);
  await kernel.sysfs.write(`bus/pci/drivers/${current}/unbind`, address);
  await kernel.sysfs.write("bus/pci/drivers_probe", address);
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

function expectMatchesModel(
  t: Test,
  kernel: SimKernel,
  devices: Awaited<ReturnType<typeof scanInventory>>["devices"],
) {
  const model = kernel.devices();
  t.same(
    devices.map((d) => d.address),
    model.map((d) => d.address).sort(),
  );
  for (const dev of model) {
    const seen = devices.find((d) => d.address === dev.address)!;
    const label = dev.address;
    t.same(
      [seen.vendor, seen.device, seen.classCode, seen.revision],
      [hex(dev.vendor, 4), hex(dev.device, 4), hex(dev.class, 6), hex(dev.revision, 2)],
      `${label} ids`,
    );
    t.equal(seen.driver, dev.driver, `${label} driver`);
    t.equal(seen.driverOverride, dev.driverOverride, `${label} override`);
    t.equal(seen.numaNode, dev.numaNode < 0 ? null : dev.numaNode, `${label} numa`);
    t.same(
      seen.interfaces.map((i) => [i.name, i.mtu, i.operstate, i.mac]),
      dev.net ? [[dev.net.name, dev.net.mtu, dev.net.operstate, dev.mac]] : [],
      `${label} interfaces`,
    );
    const group = dev.vfio ? dev.vfio.group : dev.iommuGroup;
    t.same(
      seen.iommuGroup,
      group === null ? null : { id: group, noiommu: dev.vfio?.noiommu ?? false },
      `${label} iommu group`,
    );
  }
}

t.test("an EC2-like host, with ENIs handed to vfio-pci (no-IOMMU) and uio", async (t) => {
  const kernel = ec2Host({ enis: 4 });
  await handOver(kernel, "0000:00:07.0", "vfio-pci");
  await handOver(kernel, "0000:00:08.0", "uio_pci_generic");
  const inventory = await scanInventory(await written(t, kernel));
  expectMatchesModel(t, kernel, inventory.devices);
  const vfio = inventory.byAddress("0000:00:07.0")!;
  t.equal(vfio.devNode, `/dev/vfio/noiommu-${kernel.device("0000:00:07.0")!.vfio!.group}`);
  t.equal(inventory.byAddress("0000:00:08.0")!.devNode, "/dev/uio0");
  t.same(
    [...kernel.devNodes()].filter((n) => n !== "/dev/vfio/vfio").sort(),
    inventory.devices.flatMap((d) => (d.devNode ? [d.devNode] : [])).sort(),
    "every node the host has is attributed to its device",
  );
  t.equal(inventory.byInterface("ens5")?.address, "0000:00:05.0");
});

t.test("a qemu guest with an IOMMU: permanent groups, /dev/vfio/<group>", async (t) => {
  const kernel = qemuGuestHost({ mode: "iommu" });
  const address = "0000:01:00.0";
  await handOver(kernel, address, "vfio-pci");
  const inventory = await scanInventory(await written(t, kernel));
  expectMatchesModel(t, kernel, inventory.devices);
  const dev = inventory.byAddress(address)!;
  t.equal(dev.iommuGroup?.noiommu, false);
  t.equal(dev.devNode, `/dev/vfio/${kernel.device(address)!.iommuGroup}`);
  const virtio = inventory.devices.find((d) => d.vendor === "1af4" && d.device === "1041");
  t.equal(virtio?.interfaces.length, 1, "virtio-net's interface is found under virtio<N>/net");
});

t.test(
  "a device's binding alone reads as the full read does (vfio, uio, kernel, virtio)",
  async (t) => {
    for (const kernel of [ec2Host({ enis: 4 }), qemuGuestHost({ mode: "iommu" })]) {
      const moved = kernel.devices().filter((d) => d.driver !== null && d.net !== null);
      await handOver(kernel, moved[1]!.address, "vfio-pci");
      await handOver(kernel, moved[2]!.address, "uio_pci_generic");
      const sysfs = await written(t, kernel);
      for (const dev of kernel.devices()) {
        const address = parsePciAddress(dev.address);
        const full = (await readDevice(sysfs, address))!;
        const { driver, driverOverride, iommuGroup, devNode, interfaces } = full;
        t.same(
          await readBinding(sysfs, address),
          { address, driver, driverOverride, iommuGroup, devNode, interfaces },
          `${dev.address} (${dev.driver ?? "unbound"})`,
        );
      }
      t.equal(await readBinding(sysfs, parsePciAddress("0000:7f:1f.7")), null, "absent: null");
    }
  },
);
