/**
 * A NIC as the guest's kernel shows it, read with plain node:fs: the entries
 * check the engine's work with a reader that shares no code with it.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { basename, join } from "node:path";

export interface NicState {
  address: string;
  /** Basename of the `driver` link; null when unbound. */
  driver: string | null;
  /** `driver_override` exactly as read, newline included: "(null)\n" when unset. */
  override: string;
  /** Interfaces under `<dev>/net`, with their MACs. */
  net: { name: string; mac: string }[];
  /** /dev/vfio/<group> or /dev/uio<N> while a DPDK driver holds the device, if the node exists. */
  devNode: string | null;
}

export function readNic(sysRoot: string, devRoot: string, address: string): NicState {
  const dev = join(sysRoot, "bus/pci/devices", address);
  const link = join(dev, "driver");
  const driver = existsSync(link) ? basename(readlinkSync(link)) : null;
  const netDir = join(dev, "net");
  const net = existsSync(netDir)
    ? readdirSync(netDir).map((name) => ({
        name,
        mac: readFileSync(join(netDir, name, "address"), "utf8").trim(),
      }))
    : [];
  return {
    address,
    driver,
    override: readFileSync(join(dev, "driver_override"), "utf8"),
    net,
    devNode: devNodeOf(dev, driver, devRoot),
  };
}

function devNodeOf(dev: string, driver: string | null, devRoot: string): string | null {
  let node: string | null = null;
  if (driver === "vfio-pci" && existsSync(join(dev, "iommu_group"))) {
    node = join(devRoot, "vfio", basename(readlinkSync(join(dev, "iommu_group"))));
  } else if (driver === "uio_pci_generic" && existsSync(join(dev, "uio"))) {
    const name = readdirSync(join(dev, "uio"))[0];
    node = name === undefined ? null : join(devRoot, name);
  }
  return node !== null && existsSync(node) ? node : null;
}

/** The emulated e1000e NICs (8086:10d3), sorted by address. */
export function emulatedNics(sysRoot: string): string[] {
  const dir = join(sysRoot, "bus/pci/devices");
  const id = (bdf: string, file: string) => readFileSync(join(dir, bdf, file), "utf8").trim();
  return readdirSync(dir)
    .filter((bdf) => id(bdf, "vendor") === "0x8086" && id(bdf, "device") === "0x10d3")
    .sort();
}

/** "e1000e, override (null), eth1=52:54:…" for details. */
export function describeNic(nic: NicState): string {
  const net = nic.net.map((n) => `${n.name}=${n.mac}`).join(",") || "no netdev";
  return `${nic.address}: driver ${nic.driver ?? "-"}, override ${JSON.stringify(nic.override)}, ${net}${nic.devNode ? `, ${nic.devNode}` : ""}`;
}
