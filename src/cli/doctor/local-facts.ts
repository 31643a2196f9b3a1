/**
 * What `doctor` reads when no daemon answers: the kernel's DPDK-relevant
 * state through the Sysfs port (read-only), and the kernel release from
 * procfs. Every read tolerates absence: a missing file is a finding too.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { scanInventory } from "../../sysfs/inventory.js";
import type { DefaultRouteReader, Sysfs } from "../../sysfs/sysfs.js";

/** Modules that matter, in report order. */
const MODULES = [
  "ena",
  "vfio",
  "vfio_pci",
  "vfio_iommu_type1",
  "uio",
  "uio_pci_generic",
  "igb_uio",
];

/** Drivers DPDK can use on ENA, and the kernel's own. */
export const DRIVERS = ["vfio-pci", "uio_pci_generic", "igb_uio", "ena"] as const;

export interface LocalDevice {
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

export interface LocalFacts {
  kernelVersion: string | null;
  modules: {
    name: string;
    loaded: boolean;
    builtin: boolean;
    parameters: Record<string, string>;
  }[];
  /** Registered under bus/pci/drivers (a loaded module whose driver is usable). */
  drivers: { name: string; registered: boolean }[];
  /** available: the parameter exists (kernel built with CONFIG_VFIO_NOIOMMU and vfio loaded). */
  noiommu: { available: boolean; enabled: boolean };
  /** Real IOMMU groups; vfio's made-up no-IOMMU groups are not counted. */
  iommu: { present: boolean; groupCount: number };
  hugepages: { numaNode: number; pageSizeKib: number; totalPages: number; freePages: number }[];
  /** ENA devices (1d0f:ec20, 1d0f:ec21, ...) with their drivers. */
  devices: LocalDevice[];
}

export interface LocalRoots {
  sysfs: Sysfs;
  routes: DefaultRouteReader;
  procRoot: string;
}

export async function readLocalFacts(roots: LocalRoots): Promise<LocalFacts> {
  const { sysfs } = roots;
  const [kernelVersion, modules, drivers, noiommu, iommu, hugepages, devices] = await Promise.all([
    readFile(join(roots.procRoot, "sys/kernel/osrelease"), "utf8").then(
      (text) => text.trim(),
      () => null,
    ),
    Promise.all(MODULES.map((name) => readModule(sysfs, name))),
    Promise.all(
      DRIVERS.map(async (name) => ({
        name,
        registered: await sysfs.exists(`bus/pci/drivers/${name}`),
      })),
    ),
    readNoiommu(sysfs),
    readIommu(sysfs),
    readHugepages(sysfs),
    readDevices(roots),
  ]);
  return { kernelVersion, modules, drivers, noiommu, iommu, hugepages, devices };
}

async function list(sysfs: Sysfs, path: string): Promise<string[]> {
  return sysfs.list(path).catch(() => []);
}

async function read(sysfs: Sysfs, path: string): Promise<string | null> {
  return sysfs.read(path).then(
    (text) => text.trim(),
    () => null,
  );
}

/** A module directory without `initstate` is a built-in (it still has one for its parameters). */
async function readModule(sysfs: Sysfs, name: string): Promise<LocalFacts["modules"][number]> {
  if (!(await sysfs.exists(`module/${name}`))) {
    return { name, loaded: false, builtin: false, parameters: {} };
  }
  const builtin = !(await sysfs.exists(`module/${name}/initstate`));
  const parameters: Record<string, string> = {};
  for (const p of await list(sysfs, `module/${name}/parameters`)) {
    const value = await read(sysfs, `module/${name}/parameters/${p}`);
    if (value !== null) parameters[p] = value;
  }
  return { name, loaded: true, builtin, parameters };
}

async function readNoiommu(sysfs: Sysfs): Promise<LocalFacts["noiommu"]> {
  const value = await read(sysfs, "module/vfio/parameters/enable_unsafe_noiommu_mode");
  return { available: value !== null, enabled: value === "Y" || value === "1" };
}

async function readIommu(sysfs: Sysfs): Promise<LocalFacts["iommu"]> {
  const groups = await list(sysfs, "kernel/iommu_groups");
  const names = await Promise.all(groups.map((g) => read(sysfs, `kernel/iommu_groups/${g}/name`)));
  const real = names.filter((name) => name !== "vfio-noiommu").length;
  return { present: real > 0, groupCount: real };
}

/**
 * Per NUMA node (`devices/system/node/node<N>/hugepages/hugepages-<size>kB`);
 * hosts without NUMA information get the global pools as node 0.
 */
async function readHugepages(sysfs: Sysfs): Promise<LocalFacts["hugepages"]> {
  const nodes = (await list(sysfs, "devices/system/node")).filter((n) => /^node\d+$/.test(n));
  const places = nodes.length
    ? nodes.map((n) => ({
        numaNode: Number(n.slice(4)),
        dir: `devices/system/node/${n}/hugepages`,
      }))
    : [{ numaNode: 0, dir: "kernel/mm/hugepages" }];
  const pools = await Promise.all(
    places.map(async ({ numaNode, dir }) =>
      Promise.all(
        (await list(sysfs, dir))
          .filter((size) => /^hugepages-\d+kB$/.test(size))
          .map(async (size) => ({
            numaNode,
            pageSizeKib: Number(size.slice("hugepages-".length, -2)),
            totalPages: Number((await read(sysfs, `${dir}/${size}/nr_hugepages`)) ?? 0),
            freePages: Number((await read(sysfs, `${dir}/${size}/free_hugepages`)) ?? 0),
          })),
      ),
    ),
  );
  return pools.flat().sort((a, b) => a.numaNode - b.numaNode || a.pageSizeKib - b.pageSizeKib);
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
