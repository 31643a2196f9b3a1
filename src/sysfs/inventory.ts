/**
 * The device inventory: one pass over `bus/pci/devices`, every device read
 * concurrently, with lookups by address, interface name and MAC. The cost is
 * linear in the number of devices: a fixed handful of reads per device.
 *
 * A snapshot, not a live view: rescan after anything changes.
 */
import type { PciAddress } from "../common/index.js";
import { isMac, isPciAddress, parseMac, parsePciAddress } from "./parse.js";
import { type PciDevice, type ReadDeviceOptions, readDevice } from "./read-device.js";
import type { Sysfs } from "./sysfs.js";

export interface Inventory {
  /** Every device that existed for the whole of its read, sorted by address. */
  readonly devices: readonly PciDevice[];
  /** By PCI address in any accepted spelling ("00:06.0", "0000:00:06.0"). */
  byAddress(address: string): PciDevice | undefined;
  /** By current interface name (names move across rebinds: look up, never remember). */
  byInterface(name: string): PciDevice | undefined;
  /** By MAC in any case, with colons or dashes. Only devices with a netdev have one. */
  byMac(mac: string): PciDevice | undefined;
}

/**
 * Scans `bus/pci/devices`. Devices that vanish mid-scan (hot-unplug) are left
 * out; entries whose names are not canonical PCI addresses are ignored.
 * Throws the port's AgentError when `bus/pci/devices` itself cannot be listed.
 */
export async function scanInventory(
  sysfs: Sysfs,
  options: ReadDeviceOptions = {},
): Promise<Inventory> {
  const names = await sysfs.list("bus/pci/devices");
  const addresses = names.filter(isCanonicalAddress) as PciAddress[];
  const devices = await Promise.all(addresses.map((a) => readDevice(sysfs, a, options)));
  return buildInventory(devices.filter((d): d is PciDevice => d !== null));
}

/** Indexes already-read devices; used by scanInventory and by tests. */
export function buildInventory(devices: readonly PciDevice[]): Inventory {
  const sorted = [...devices].sort((a, b) => (a.address < b.address ? -1 : 1));
  const byAddress = new Map<string, PciDevice>();
  const byInterface = new Map<string, PciDevice>();
  const byMac = new Map<string, PciDevice>();
  for (const device of sorted) {
    byAddress.set(device.address, device);
    for (const net of device.interfaces) {
      byInterface.set(net.name, device);
      if (net.mac !== null) byMac.set(net.mac, device);
    }
  }
  return {
    devices: sorted,
    byAddress: (address) =>
      isPciAddress(address) ? byAddress.get(parsePciAddress(address)) : undefined,
    byInterface: (name) => byInterface.get(name),
    byMac: (mac) => (isMac(mac) ? byMac.get(parseMac(mac)) : undefined),
  };
}

/** The kernel names devices "dddd:bb:dd.f" in lower case; anything else is not ours to read. */
function isCanonicalAddress(name: string): boolean {
  return isPciAddress(name) && parsePciAddress(name) === name;
}
