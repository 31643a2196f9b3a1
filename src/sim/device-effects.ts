/**
 * What a successful probe creates and an unbind destroys, per kind of
 * driver: netdevs (with the kernel's naming), virtio children, vfio devices
 * and groups, uio devices, and their /dev nodes. Indexes (eth<N>, virtio<N>,
 * vfio<N>, uio<N>, no-IOMMU group ids) are the lowest free number, as the
 * kernel's IDAs hand them out; ifindex only grows.
 */
import type { SimDeviceState, SimDriverSpec, SimKernelState, SimVfioState } from "./sim-state.js";

/** The lowest non-negative integer not in `used`. */
function lowestFree(used: Iterable<number>): number {
  const taken = new Set(used);
  let n = 0;
  while (taken.has(n)) n++;
  return n;
}

/** The /dev node of a vfio group: "/dev/vfio/<N>" or "/dev/vfio/noiommu-<N>". */
export function vfioGroupNode(vfio: SimVfioState): string {
  return `/dev/vfio/${vfio.noiommu ? "noiommu-" : ""}${vfio.group}`;
}

export function uioNode(index: number): string {
  return `/dev/uio${index}`;
}

/** The PCI device number of an address ("0000:00:05.0" → 5). */
function slotNumber(address: string): number {
  return Number.parseInt(address.slice(8, 10), 16);
}

/** Every device node the host currently has, sorted. */
export function devNodes(state: SimKernelState): string[] {
  const nodes = new Set<string>();
  if (state.modules.includes("vfio")) nodes.add("/dev/vfio/vfio");
  for (const dev of state.devices) {
    if (dev.vfio) nodes.add(vfioGroupNode(dev.vfio));
    if (dev.uio !== null) nodes.add(uioNode(dev.uio));
  }
  return [...nodes].sort();
}

/**
 * Applies the visible results of a probe that succeeded. Returns an errno
 * name when the driver's own probe refuses the device (vfio-pci without an
 * IOMMU or no-IOMMU mode: EINVAL; vfio-pci on a bridge: EINVAL; a network
 * driver on a function without a MAC: EIO), leaving the device untouched.
 */
export function applyBinding(
  state: SimKernelState,
  spec: SimDriverSpec,
  dev: SimDeviceState,
): string | null {
  // A network driver forced (by override) onto a function that is not a NIC
  // fails in its probe when the hardware does not answer like one.
  const network = spec.kind === "netdev" || spec.kind === "virtio-net";
  if (network && dev.mac === null) return "EIO";
  if (spec.kind === "vfio") {
    const vfio = allocateVfio(state, dev);
    if (vfio === null) return "EINVAL";
    dev.vfio = vfio;
    dev.enable = 0;
    // vfio-pci parks an idle device in D3hot until user space opens it.
    dev.powerState = "D3hot";
  } else {
    dev.enable = 1;
    dev.powerState = "D0";
  }
  if (spec.kind === "uio") dev.uio = lowestFree(indexes(state, (d) => d.uio));
  if (spec.kind === "virtio-net") dev.virtio = lowestFree(indexes(state, (d) => d.virtio));
  if (network && dev.mac !== null) {
    dev.net = {
      name: interfaceName(state, dev),
      ifindex: state.nextIfindex++,
      mtu: spec.defaultMtu ?? 1500,
      operstate: "down",
    };
  }
  dev.driver = spec.name;
  return null;
}

/** Undoes applyBinding: netdev (and its routes), vfio group, uio node. */
export function removeBinding(state: SimKernelState, dev: SimDeviceState): void {
  const removedNodes: string[] = [];
  if (dev.net) {
    const name = dev.net.name;
    // Unregistering a netdev flushes its routes.
    state.routes = state.routes.filter((r) => r.interface !== name);
  }
  if (dev.vfio) {
    const node = vfioGroupNode(dev.vfio);
    const shared = state.devices.some(
      (d) =>
        d !== dev && d.vfio?.group === dev.vfio?.group && d.vfio?.noiommu === dev.vfio?.noiommu,
    );
    if (!shared) removedNodes.push(node);
  }
  if (dev.uio !== null) removedNodes.push(uioNode(dev.uio));
  dev.net = null;
  dev.virtio = null;
  dev.vfio = null;
  dev.uio = null;
  dev.driver = null;
  dev.releasing = false;
  dev.enable = 0;
  dev.powerState = "D0";
  markNodesDeleted(state, removedNodes);
}

/** Open descriptors on removed nodes now point at deleted inodes. */
function markNodesDeleted(state: SimKernelState, nodes: readonly string[]): void {
  if (nodes.length === 0) return;
  for (const proc of state.processes) {
    for (const fd of proc.fds) {
      if (fd.vfioDevice === undefined && nodes.includes(fd.node)) fd.deleted = true;
    }
  }
}

function allocateVfio(state: SimKernelState, dev: SimDeviceState): SimVfioState | null {
  // vfio-pci refuses anything but a normal (type 0) header: bridges fail.
  if (dev.class >> 8 === 0x0604) return null;
  const index = lowestFree(state.devices.map((d) => d.vfio?.index ?? -1));
  if (dev.iommuGroup !== null) return { index, group: dev.iommuGroup, noiommu: false };
  if (!state.config.noiommuSupported || !state.noiommuMode) return null;
  const used = state.devices.flatMap((d) => [d.iommuGroup ?? -1, d.vfio?.group ?? -1]);
  return { index, group: lowestFree(used), noiommu: true };
}

function indexes(state: SimKernelState, pick: (d: SimDeviceState) => number | null): number[] {
  return state.devices.map(pick).filter((n): n is number => n !== null);
}

function interfaceName(state: SimKernelState, dev: SimDeviceState): string {
  const used = new Set(["lo", ...state.devices.map((d) => d.net?.name ?? "")]);
  if (state.config.naming === "slot") {
    const name = `${state.config.slotPrefix ?? "ens"}${slotNumber(dev.address)}`;
    if (!used.has(name)) return name;
  }
  let n = 0;
  while (used.has(`eth${n}`)) n++;
  return `eth${n}`;
}
