/**
 * What the kernel says about DPDK readiness, read through the Sysfs port (so
 * the simulator answers the same questions): driver modules and their
 * parameters, vfio's no-IOMMU switch, IOMMU groups and hugepage pools per
 * NUMA node. The daemon's host report and `doctor` both read them here.
 * Every read tolerates absence: a missing file is a fact too.
 */
import type { Sysfs } from "./sysfs.js";

/** Modules a DPDK host cares about, in report order. */
export const REPORTED_MODULES = [
  "ena",
  "vfio",
  "vfio_pci",
  "vfio_iommu_type1",
  "uio",
  "uio_pci_generic",
  "igb_uio",
] as const;

export interface KernelModule {
  /** e.g. "vfio_pci". */
  name: string;
  /** Loaded or built in. */
  loaded: boolean;
  builtin: boolean;
  /** The parameters that matter, as the kernel shows them. */
  parameters: Record<string, string>;
}

export interface HugepagePool {
  numaNode: number;
  pageSizeKib: number;
  totalPages: number;
  freePages: number;
}

export interface KernelFacts {
  modules: KernelModule[];
  /** available: the parameter exists (kernel built with CONFIG_VFIO_NOIOMMU and vfio loaded). */
  noiommu: { available: boolean; enabled: boolean };
  /** Real IOMMU groups; the groups vfio makes up in no-IOMMU mode are not counted. */
  iommu: { present: boolean; groupCount: number };
  hugepages: HugepagePool[];
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

/**
 * A module directory without `initstate` is a built-in with parameters
 * (`/sys/module/<m>` exists for those too); with it, a loaded module.
 */
async function readModule(sysfs: Sysfs, name: string): Promise<KernelModule> {
  const base = `module/${name}`;
  if (!(await sysfs.exists(base))) return { name, loaded: false, builtin: false, parameters: {} };
  const builtin = !(await sysfs.exists(`${base}/initstate`));
  const parameters: Record<string, string> = {};
  for (const p of (await list(sysfs, `${base}/parameters`)).slice(0, 32)) {
    const value = await read(sysfs, `${base}/parameters/${p}`);
    if (value !== null) parameters[p] = value;
  }
  return { name, loaded: true, builtin, parameters };
}

/**
 * A group vfio makes up in no-IOMMU mode is named "vfio-noiommu"
 * (`kernel/iommu_groups/<N>/name`); a real group has no name. IOMMU units
 * show under `class/iommu` (or `devices/virtual/iommu`) even before any
 * device has a group.
 */
async function readIommu(sysfs: Sysfs): Promise<KernelFacts["iommu"]> {
  const [groups, units, virtualUnits] = await Promise.all([
    list(sysfs, "kernel/iommu_groups"),
    list(sysfs, "class/iommu"),
    list(sysfs, "devices/virtual/iommu"),
  ]);
  const names = await Promise.all(groups.map((g) => read(sysfs, `kernel/iommu_groups/${g}/name`)));
  const real = names.filter((name) => name !== "vfio-noiommu").length;
  return { present: real + units.length + virtualUnits.length > 0, groupCount: real };
}

/**
 * Per NUMA node (`devices/system/node/node<N>/hugepages/hugepages-<size>kB`);
 * hosts without NUMA information get the global pools as node 0.
 */
async function readHugepages(sysfs: Sysfs): Promise<HugepagePool[]> {
  const nodes = (await list(sysfs, "devices/system/node")).filter((n) => /^node\d+$/.test(n));
  const places = nodes.length
    ? nodes.map((n) => ({
        numaNode: Number(n.slice(4)),
        dir: `devices/system/node/${n}/hugepages`,
      }))
    : [{ numaNode: 0, dir: "kernel/mm/hugepages" }];
  const count = async (path: string) => Number((await read(sysfs, path)) ?? 0) || 0;
  const pools = await Promise.all(
    places.map(async ({ numaNode, dir }) =>
      Promise.all(
        (await list(sysfs, dir))
          .filter((size) => /^hugepages-\d+kB$/.test(size))
          .map(async (size) => ({
            numaNode,
            pageSizeKib: Number(size.slice("hugepages-".length, -2)),
            totalPages: await count(`${dir}/${size}/nr_hugepages`),
            freePages: await count(`${dir}/${size}/free_hugepages`),
          })),
      ),
    ),
  );
  return pools.flat().sort((a, b) => a.numaNode - b.numaNode || a.pageSizeKib - b.pageSizeKib);
}

export async function readKernelFacts(sysfs: Sysfs): Promise<KernelFacts> {
  const [modules, noiommuMode, iommu, hugepages] = await Promise.all([
    Promise.all(REPORTED_MODULES.map((m) => readModule(sysfs, m))),
    read(sysfs, "module/vfio/parameters/enable_unsafe_noiommu_mode"),
    readIommu(sysfs),
    readHugepages(sysfs),
  ]);
  return {
    modules,
    noiommu: {
      available: noiommuMode !== null,
      enabled: noiommuMode === "Y" || noiommuMode === "1",
    },
    iommu,
    hugepages,
  };
}
