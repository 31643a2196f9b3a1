/**
 * What `doctor` reads when no daemon answers: the kernel facts the daemon
 * reports too (src/sysfs/host-facts.ts), the registered PCI drivers and the
 * ENA devices through the Sysfs port (read-only), and the kernel release
 * from procfs. Every read tolerates absence: a missing file is a finding too.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type KernelFacts, readKernelFacts } from "../../sysfs/host-facts.js";
import { scanInventory } from "../../sysfs/inventory.js";
import type { DefaultRouteReader, Sysfs } from "../../sysfs/sysfs.js";

/** Drivers DPDK can use on ENA, and the kernel's own. */
export const DRIVERS = ["vfio-pci", "uio_pci_generic", "igb_uio", "ena"] as const;

interface LocalDevice {
  pciAddress: string;
  vendorId: string;
  deviceId: string;
  driver: string | null;
  driverOverride: string | null;
  interfaces: string[];
  numaNode: number | null;
  iommuGroup: string | null;
  /** Carries a default route: the management interface. */
  active: boolean;
}

export interface LocalFacts extends KernelFacts {
  kernelVersion: string | null;
  /** Registered under bus/pci/drivers (a loaded module whose driver is usable). */
  drivers: { name: string; registered: boolean }[];
  /** ENA devices (1d0f:ec20, 1d0f:ec21, ...) with their drivers. */
  devices: LocalDevice[];
}

interface LocalRoots {
  sysfs: Sysfs;
  routes: DefaultRouteReader;
  procRoot: string;
}

export async function readLocalFacts(roots: LocalRoots): Promise<LocalFacts> {
  const { sysfs } = roots;
  const [kernelVersion, kernel, drivers, devices] = await Promise.all([
    readFile(join(roots.procRoot, "sys/kernel/osrelease"), "utf8").then(
      (text) => text.trim(),
      () => null,
    ),
    readKernelFacts(sysfs),
    Promise.all(
      DRIVERS.map(async (name) => ({
        name,
        registered: await sysfs.exists(`bus/pci/drivers/${name}`),
      })),
    ),
    readDevices(roots),
  ]);
  return { kernelVersion, ...kernel, drivers, devices };
}

async function readDevices(roots: LocalRoots): Promise<LocalDevice[]> {
  const [inventory, routes] = await Promise.all([
    scanInventory(roots.sysfs),
    roots.routes.defaultRoutes().catch(() => []),
  ]);
  const active = new Set(routes.map((r) => r.interface));
  return inventory.devices
    .filter((d) => d.kind === "ena")
    .map((d) => ({
      pciAddress: d.address,
      vendorId: d.vendor,
      deviceId: d.device,
      driver: d.driver,
      driverOverride: d.driverOverride,
      interfaces: d.interfaces.map((i) => i.name),
      numaNode: d.numaNode,
      iommuGroup:
        d.iommuGroup === null
          ? null
          : `${d.iommuGroup.noiommu ? "noiommu-" : ""}${d.iommuGroup.id}`,
      active: d.interfaces.some((i) => active.has(i.name)),
    }));
}
