/**
 * What the sysfs conformance suite runs against, and what it reports. The
 * suite is framework-free (no tap, no npm packages at run time) so that it
 * can be bundled into one file and run by plain Node inside a test guest.
 */
import type { Sysfs } from "../../src/sysfs/sysfs.js";

export type ConformanceMode = "iommu" | "stock" | "noiommu";

/** Access to /dev for the rows that need open device nodes (V1, V2) or list them. */
export interface DevHook {
  /** Entries of /dev/vfio, sorted, e.g. ["6", "vfio"]. */
  listVfio(): Promise<string[]>;
  /** uio nodes in /dev, sorted, e.g. ["uio0"]. */
  listUio(): Promise<string[]>;
  /**
   * Opens a node read-write, e.g. "/dev/vfio/6". Rejects with an error that
   * carries the errno name in `errno` or `code` (EBUSY for a second open of a
   * vfio group).
   */
  open(node: string): Promise<{ close(): Promise<void> }>;
}

export interface ConformanceTarget {
  /** The port on the kernel under test. The suite writes only through it. */
  sysfs: Sysfs;
  /** Human-readable name for reports, e.g. "simulator iommu" or "guest viommu". */
  name: string;
  /** Three functions with the same id bound to `nicDriver`: A, B, C of the facts. */
  nics: readonly [string, string, string];
  /** The kernel driver of the NICs, e.g. "e1000e". */
  nicDriver: string;
  /** The NICs' id as new_id takes it: "vendor device" in hex, e.g. "8086 10d3". */
  nicId: string;
  /** An address where no device exists, e.g. "0000:09:00.0". */
  absent: string;
  /** A PCIe port bound to pcieport (row B17); the row is skipped without it. */
  bridge?: string;
  /**
   * An unbound device that no loaded driver matches, whose address has hex
   * letters, e.g. "0000:00:1f.0" (rows P10, P11); skipped without it.
   */
  unboundHex?: string;
  /** A virtio-net device on virtio-pci, for the virtio round trip; skipped without it. */
  virtio?: string;
  mode: ConformanceMode;
  /** "pre-5.14": every bind failure is ENODEV. */
  errnoStyle: "modern" | "pre-5.14";
  /** "lowest-free": kernel `eth<N>` naming without udev, checked by the naming test. */
  naming: "lowest-free" | "stable";
  /** /dev access; rows and checks that need it are skipped without it. */
  dev?: DevHook;
  /** Run remove + rescan of NIC C. Default true. */
  removeRescan?: boolean;
  /** Progress lines (one per row). */
  log?: (line: string) => void;
}

/** One row or check of the suite. */
export interface ConformanceResult {
  /** The facts' row id (U1, O10.4094, B6, …) or a check name (RT.vfio, NAMING, …). */
  id: string;
  ok: boolean;
  /** True when the row could not run on this target (n/a in this mode, missing hook). */
  skipped: boolean;
  /** Expected result and after-state, in the facts' notation. */
  expected: string;
  actual: string;
  detail: string;
}
