/**
 * The sysfs conformance suite inside a test guest, against the real kernel.
 *
 * Contract for the VM harness:
 * - Bundle this file (esbuild, platform node, ESM) and call `run(ctx)` inside
 *   the guest, or re-export `run`, `virtioNic` and `configs` from an entry
 *   under test/vm/entries/. It needs only Node's standard library.
 * - `ctx.sysRoot` is the guest's mounted sysfs ("/sys"), `ctx.devRoot` its
 *   devtmpfs ("/dev"); `ctx.config.iommu` says whether the guest booted with
 *   intel-iommu; `ctx.config.name === "noiommu"` selects the no-IOMMU mode
 *   (vfio rebuilt with CONFIG_VFIO_NOIOMMU, `enable_unsafe_noiommu_mode=1`).
 *   Without an IOMMU and without that name, the mode is "stock" (vfio-pci
 *   probes fail with EINVAL).
 * - The guest must have three e1000e (8086:10d3) on `e1000e`, each behind
 *   its own root port, with e1000e, vfio, vfio_iommu_type1, vfio_pci, uio and
 *   uio_pci_generic loaded, e1000e first; a virtio-net (1af4:1041) on
 *   virtio-pci is used when present. No udev: kernel names eth<N>.
 * - It resolves to one `{ id, ok, detail }` per row of the kernel facts
 *   (U1…V2) and per check (RT.*, NAMING, RESCAN, LAYOUT, …); rows that
 *   cannot run in the mode are ok with a detail starting "skipped:". It
 *   never throws for a kernel answer; it leaves the NICs on e1000e.
 * - Safety: it writes sysfs (unbind, bind, remove, rescan). It refuses to
 *   run, returning one failed result, where it finds a virtio block device
 *   or not exactly the emulated NICs: that is not the test guest.
 */
import { constants, promises as fsp, readdirSync } from "node:fs";
import { join } from "node:path";
import { RealSysfs } from "../../src/sysfs/real-sysfs.js";
import type { Sysfs } from "../../src/sysfs/sysfs.js";
import type { ConformanceMode, ConformanceTarget, DevHook } from "./conformance-types.js";
import { runConformance } from "./run-conformance.js";

export interface GuestConformanceContext {
  sysRoot: string;
  devRoot: string;
  config: { name: string; iommu: boolean };
  log(message: string): void;
}

export interface GuestConformanceResult {
  id: string;
  ok: boolean;
  detail?: string;
}

/** Attach the virtio-net NIC: the suite runs its virtio round trip on it. */
export const virtioNic = true;

export async function run(ctx: GuestConformanceContext): Promise<GuestConformanceResult[]> {
  const sysfs = new RealSysfs({ root: ctx.sysRoot });
  const mode: ConformanceMode = ctx.config.iommu
    ? "iommu"
    : ctx.config.name === "noiommu"
      ? "noiommu"
      : "stock";
  return runInGuest({ sysfs, devRoot: ctx.devRoot, mode, log: (line) => ctx.log(line) });
}

/** The same with an injected adapter (for harnesses that build their own). */
export async function runInGuest(options: {
  sysfs: Sysfs;
  devRoot: string;
  mode: ConformanceMode;
  log?: (line: string) => void;
}): Promise<GuestConformanceResult[]> {
  const { sysfs, devRoot, mode } = options;
  const found = await discover(sysfs);
  if (typeof found === "string") {
    return [{ id: "guest", ok: false, detail: `refusing to run: ${found}` }];
  }
  const target: ConformanceTarget = {
    sysfs,
    name: `guest ${mode}`,
    nics: found.nics,
    nicDriver: "e1000e",
    nicId: "8086 10d3",
    absent: "0000:09:00.0",
    bridge: found.bridge,
    unboundHex: found.unboundHex,
    virtio: found.virtio,
    mode,
    errnoStyle: "modern",
    naming: "lowest-free",
    dev: devHook(devRoot),
    ...(options.log ? { log: options.log } : {}),
  };
  const results = await runConformance(target);
  return results.map((r) => ({
    id: r.id,
    ok: r.ok,
    detail: r.skipped
      ? `skipped: ${r.detail}`
      : `expected ${r.expected}; got ${r.actual}${r.detail ? `; ${r.detail}` : ""}`,
  }));
}

interface Discovered {
  nics: [string, string, string];
  bridge?: string;
  unboundHex?: string;
  virtio?: string;
}

/** Finds the emulated NICs (read-only), or says why this is not the test guest. */
async function discover(sysfs: Sysfs): Promise<Discovered | string> {
  const addresses = await sysfs.list("bus/pci/devices");
  const ids = await Promise.all(
    addresses.map(async (a) => {
      const [vendor, device] = await Promise.all([
        sysfs.read(`bus/pci/devices/${a}/vendor`),
        sysfs.read(`bus/pci/devices/${a}/device`),
      ]);
      return { address: a, id: `${vendor.trim()}:${device.trim()}` };
    }),
  );
  // virtio-blk (legacy 0x1001, modern 0x1042) is a disk: the host, not the guest.
  if (ids.some((d) => d.id === "0x1af4:0x1001" || d.id === "0x1af4:0x1042")) {
    return "a virtio block device is present";
  }
  const nics = ids.filter((d) => d.id === "0x8086:0x10d3").map((d) => d.address);
  if (nics.length !== 3) return `expected 3 emulated e1000e NICs, found ${nics.length}`;
  const out: Discovered = { nics: nics as [string, string, string] };
  const path = await sysfs.readlink(`bus/pci/devices/${nics[0]}`);
  const parts = path.split("/");
  const parent = parts[parts.length - 2];
  if (parent && /^[0-9a-f]{4}:/.test(parent)) out.bridge = parent;
  const virtio = ids.find((d) => d.id === "0x1af4:0x1041");
  if (virtio) out.virtio = virtio.address;
  const lpc = "0000:00:1f.0";
  if (addresses.includes(lpc) && !(await sysfs.exists(`bus/pci/devices/${lpc}/driver`))) {
    out.unboundHex = lpc;
  }
  return out;
}

/** /dev through node:fs: list vfio and uio nodes, open a node read-write. */
function devHook(devRoot: string): DevHook {
  const local = (node: string) => node.replace(/^\/dev(?=\/)/, devRoot);
  return {
    listVfio: async () => {
      try {
        return readdirSync(join(devRoot, "vfio")).sort();
      } catch {
        return [];
      }
    },
    listUio: async () =>
      readdirSync(devRoot)
        .filter((n) => /^uio[0-9]+$/.test(n))
        .sort(),
    open: async (node) => {
      const handle = await fsp.open(local(node), constants.O_RDWR);
      return { close: () => handle.close() };
    },
  };
}
