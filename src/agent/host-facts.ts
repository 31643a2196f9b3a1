/**
 * What the kernel says about DPDK readiness, read through the Sysfs port (so
 * the simulator answers the same questions): driver modules and their
 * parameters, vfio's no-IOMMU switch, IOMMU groups and hugepage pools per
 * NUMA node. Every read tolerates absence: a missing file is a fact too.
 */
import type { HugepagePool, KernelModule } from "../server/host-report.js";
import type { Sysfs } from "../sysfs/index.js";

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

export interface KernelFacts {
  modules: KernelModule[];
  noiommu: { available: boolean; enabled: boolean };
  iommu: { present: boolean; groupCount: number };
  hugepages: HugepagePool[];
}

async function list(sysfs: Sysfs, path: string): Promise<string[]> {
  try {
    return await sysfs.list(path);
  } catch {
    return [];
  }
}

async function read(sysfs: Sysfs, path: string): Promise<string | null> {
  try {
    return (await sysfs.read(path)).trim();
  } catch {
    return null;
  }
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

/** `devices/system/node/node<N>/hugepages/hugepages-<size>kB/{nr,free}_hugepages`. */
async function readHugepages(sysfs: Sysfs): Promise<HugepagePool[]> {
  const pools: HugepagePool[] = [];
  for (const node of await list(sysfs, "devices/system/node")) {
    const n = /^node(\d+)$/.exec(node);
    if (n === null) continue;
    const dir = `devices/system/node/${node}/hugepages`;
    for (const size of await list(sysfs, dir)) {
      const kib = /^hugepages-(\d+)kB$/.exec(size);
      if (kib === null) continue;
      const total = await read(sysfs, `${dir}/${size}/nr_hugepages`);
      const free = await read(sysfs, `${dir}/${size}/free_hugepages`);
      pools.push({
        numaNode: Number(n[1]),
        pageSizeKib: Number(kib[1]),
        totalPages: Number(total ?? 0) || 0,
        freePages: Number(free ?? 0) || 0,
      });
    }
  }
  return pools.sort((a, b) => a.numaNode - b.numaNode || a.pageSizeKib - b.pageSizeKib);
}

export async function readKernelFacts(sysfs: Sysfs): Promise<KernelFacts> {
  const [modules, noiommuMode, groups, iommus, virtualIommus, hugepages] = await Promise.all([
    Promise.all(REPORTED_MODULES.map((m) => readModule(sysfs, m))),
    read(sysfs, "module/vfio/parameters/enable_unsafe_noiommu_mode"),
    list(sysfs, "kernel/iommu_groups"),
    list(sysfs, "class/iommu"),
    list(sysfs, "devices/virtual/iommu"),
    readHugepages(sysfs),
  ]);
  return {
    modules,
    noiommu: { available: noiommuMode !== null, enabled: noiommuMode === "Y" },
    iommu: { present: iommus.length + virtualIommus.length > 0, groupCount: groups.length },
    hugepages,
  };
}
