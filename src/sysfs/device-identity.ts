/**
 * Who a PCI device is (ids, class) and which driver holds it. One read of
 * `uevent` answers all of it (DRIVER, PCI_CLASS, PCI_ID, PCI_SUBSYS_ID, as
 * the kernel's pci_uevent writes them), where the separate attributes and the
 * `driver` link cost six system calls: at a thousand devices that is most of
 * an inventory's time. Trees without `uevent` (old fixtures, odd kernels)
 * fall back to the separate attributes.
 */
import { basename, chomp, hex, optional, vanishedAsNull } from "./attr.js";
import type { Sysfs } from "./sysfs.js";

export interface DeviceIdentity {
  /** 4 lower-case hex digits. */
  vendor: string;
  device: string;
  subsystemVendor: string | null;
  subsystemDevice: string | null;
  /** 6 lower-case hex digits. */
  classCode: string;
  /** The bound driver's name, or null when unbound. */
  driver: string | null;
}

/**
 * Parses a PCI device's `uevent`. Returns null when the text lacks PCI_ID or
 * PCI_CLASS (not a PCI device's uevent). PCI_CLASS is printed without
 * leading zeros ("20000") and the ids in upper case ("1D0F:EC20").
 */
export function parsePciUevent(text: string): DeviceIdentity | null {
  const vars = new Map<string, string>();
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) vars.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const id = /^([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})$/.exec(vars.get("PCI_ID") ?? "");
  const cls = vars.get("PCI_CLASS") ?? "";
  if (id === null || !/^[0-9A-Fa-f]{1,6}$/.test(cls)) return null;
  const subsys = /^([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})$/.exec(vars.get("PCI_SUBSYS_ID") ?? "");
  return {
    vendor: id[1]!.toLowerCase(),
    device: id[2]!.toLowerCase(),
    subsystemVendor: subsys ? subsys[1]!.toLowerCase() : null,
    subsystemDevice: subsys ? subsys[2]!.toLowerCase() : null,
    classCode: cls.toLowerCase().padStart(6, "0"),
    driver: vars.get("DRIVER") || null,
  };
}

/**
 * Reads the identity of the device at `dir` (whose entries are `has`), or
 * null when the device vanished meanwhile.
 */
export async function readIdentity(
  sysfs: Sysfs,
  dir: string,
  has: ReadonlySet<string>,
): Promise<DeviceIdentity | null> {
  if (has.has("uevent")) {
    const text = await vanishedAsNull(sysfs.read(`${dir}/uevent`));
    if (text === null) return null;
    const parsed = parsePciUevent(text);
    if (parsed !== null) return parsed;
  }
  const attr = (name: string) =>
    has.has(name) ? optional(sysfs.read(`${dir}/${name}`).then((t) => hex(chomp(t)))) : null;
  const [ids, subsystemVendor, subsystemDevice, driver] = await Promise.all([
    vanishedAsNull(
      Promise.all(["vendor", "device", "class"].map((f) => sysfs.read(`${dir}/${f}`))),
    ),
    attr("subsystem_vendor"),
    attr("subsystem_device"),
    has.has("driver") ? optional(sysfs.readlink(`${dir}/driver`).then(basename)) : null,
  ]);
  if (ids === null) return null;
  const [vendor, device, classCode] = ids.map((text) => hex(chomp(text)));
  return {
    vendor: vendor!,
    device: device!,
    subsystemVendor,
    subsystemDevice,
    classCode: classCode!,
    driver,
  };
}

/**
 * The vendor and device ids of `bus/pci/devices/<address>` (4 lower-case hex
 * digits each), or null when there is no such device: two small reads, for
 * a check that must not trust anything but the kernel.
 */
export async function readPciIds(
  sysfs: Sysfs,
  address: string,
): Promise<{ vendor: string; device: string } | null> {
  const ids = await vanishedAsNull(
    Promise.all(["vendor", "device"].map((f) => sysfs.read(`bus/pci/devices/${address}/${f}`))),
  );
  if (ids === null) return null;
  const [vendor, device] = ids.map((text) => hex(chomp(text)));
  return { vendor: vendor!, device: device! };
}
