/**
 * Lookups the tree needs on every path walk (device by address, children of
 * a bridge, netdev by name, iommu group members, a device's directory path),
 * built once per state version so that a host with thousands of devices
 * stays cheap to walk.
 */
import type { SimDeviceState, SimKernelState } from "./sim-state.js";

export class TreeIndex {
  readonly byAddress = new Map<string, SimDeviceState>();
  /** Devices behind a bridge, by bridge address. */
  readonly children = new Map<string, SimDeviceState[]>();
  /** Devices on a root bus, by host bridge name ("pci0000:00"). */
  readonly roots = new Map<string, SimDeviceState[]>();
  /** Device owning each netdev, by interface name. */
  readonly netdevs = new Map<string, SimDeviceState>();
  /** Members of each iommu group (permanent, or made by vfio in no-IOMMU mode). */
  readonly groups = new Map<number, { noiommu: boolean; members: SimDeviceState[] }>();
  readonly #paths = new Map<string, string[]>();

  constructor(state: SimKernelState) {
    for (const dev of state.devices) this.byAddress.set(dev.address, dev);
    for (const dev of state.devices) {
      const parent = dev.parent !== null ? this.byAddress.get(dev.parent) : undefined;
      if (parent) push(this.children, parent.address, dev);
      else push(this.roots, hostBridge(dev.address), dev);
      if (dev.net) this.netdevs.set(dev.net.name, dev);
      const group = dev.iommuGroup ?? (dev.vfio?.noiommu ? dev.vfio.group : null);
      if (group !== null) {
        const entry = this.groups.get(group) ?? { noiommu: dev.iommuGroup === null, members: [] };
        entry.members.push(dev);
        this.groups.set(group, entry);
      }
    }
  }

  /** ["devices", "pci0000:00", <bridges…>, <address>]: where the device directory really is. */
  devicePath(dev: SimDeviceState): string[] {
    const cached = this.#paths.get(dev.address);
    if (cached) return cached;
    const parent = dev.parent !== null ? this.byAddress.get(dev.parent) : undefined;
    const path = parent
      ? [...this.devicePath(parent), dev.address]
      : ["devices", hostBridge(dev.address), dev.address];
    this.#paths.set(dev.address, path);
    return path;
  }

  /** Where the device's netdev directory is: `<dev>/net/<if>` or `<dev>/virtio<N>/net/<if>`. */
  netdevPath(dev: SimDeviceState): string[] | null {
    if (!dev.net) return null;
    const base = this.devicePath(dev);
    return dev.virtio !== null
      ? [...base, `virtio${dev.virtio}`, "net", dev.net.name]
      : [...base, "net", dev.net.name];
  }
}

/** "0000:01:00.0" → "pci0000:01": the root bus a device without a parent hangs off. */
function hostBridge(address: string): string {
  return `pci${address.slice(0, 7)}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
