/**
 * A device as a pool offers it to kubelet, and the lists ListAndWatch sends.
 *
 * A device that leaves a pool while kubelet last saw it Healthy is first
 * sent Unhealthy, then left out of the next list: kubelet stops offering
 * it to new pods at the first list, and drops it at the second. The agent
 * marks a device Unhealthy on its own long before it leaves when it can
 * (a restore it runs, a termination plan); this sequencing is the floor
 * for changes it only sees afterwards (a driver changed outside the agent).
 */
import type { PciAddress } from "../common/index.js";

/** "Healthy" and "Unhealthy" are the two values kubelet knows (v1beta1 constants). */
export type DeviceHealth = "Healthy" | "Unhealthy";

export interface PoolDevice {
  /** The device's id in the API: its PCI address. */
  id: PciAddress;
  health: DeviceHealth;
  /** NUMA node; null when the kernel reports none. */
  numaNode: number | null;
  /** The DPDK driver it is bound to, e.g. "vfio-pci". */
  driver: string;
  /**
   * The node a container opens, as a host path: "/dev/vfio/<N>",
   * "/dev/vfio/noiommu-<N>" or "/dev/uio<N>"; null when the device has none
   * (it is then never Healthy).
   */
  devNode: string | null;
}

/** One ListAndWatch message: the devices by id, in PCI address order. */
export type DeviceList = readonly PoolDevice[];

function sameList(a: DeviceList, b: DeviceList): boolean {
  return (
    a.length === b.length &&
    a.every((d, i) => {
      const e = b[i]!;
      return d.id === e.id && d.health === e.health && d.numaNode === e.numaNode;
    })
  );
}

/**
 * The lists to send, in order, to move a stream from `sent` to `next`: none
 * when nothing kubelet sees changed; one; or two when a device kubelet last
 * saw Healthy leaves (the first list keeps it, Unhealthy).
 */
export function listsToSend(sent: DeviceList | null, next: DeviceList): DeviceList[] {
  if (sent === null) return [next];
  const kept = new Set(next.map((d) => d.id));
  const leaving = sent.filter((d) => d.health === "Healthy" && !kept.has(d.id));
  const out: DeviceList[] = [];
  if (leaving.length > 0) {
    const first = [...next, ...leaving.map((d) => ({ ...d, health: "Unhealthy" as const }))];
    out.push(first.sort(byId));
  }
  const last = out.at(-1) ?? sent;
  if (!sameList(last, next)) out.push(next);
  return out;
}

export function byId(a: PoolDevice, b: PoolDevice): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
