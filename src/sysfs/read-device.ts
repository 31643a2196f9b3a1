/**
 * Reads one PCI device from sysfs into a plain record: ids, driver, override,
 * NUMA node, IOMMU group, the user-space device node and the netdevs. All
 * reads of a device run concurrently; an attribute that is absent (old
 * kernel, no IOMMU, unbound) becomes null.
 *
 * Where things are (observed on 6.1, see the kernel facts):
 * - `bus/pci/devices/<bdf>` links to the device directory.
 * - netdevs under `<bdf>/net/<if>`, or for virtio-net one level down,
 *   `<bdf>/virtio<N>/net/<if>`.
 * - `iommu_group` links to `kernel/iommu_groups/<N>`; a group that vfio made
 *   up in no-IOMMU mode is named "vfio-noiommu" (`kernel/iommu_groups/<N>/name`,
 *   set by vfio's noiommu group allocation) and its node is
 *   `/dev/vfio/noiommu-<N>` instead of `/dev/vfio/<N>`.
 * - uio drivers add `<bdf>/uio/uio<N>`, node `/dev/uio<N>`.
 */
import type { DriverName, InterfaceName, Mac, PciAddress } from "../common/index.js";
import { basename, chomp, hex, optional, vanishedAsNull } from "./attr.js";
import { classifyDevice, type DeviceKind, isVfioDriver } from "./classify.js";
import { readIdentity } from "./device-identity.js";
import { isInterfaceName, isMac } from "./parse.js";
import { pciDeviceName } from "./pci-ids.js";
import type { Sysfs } from "./sysfs.js";

/** One network interface of a device, as its netdev directory shows it. */
export interface NetInterface {
  name: InterfaceName;
  /** `address`, lower case; null when unreadable or not an Ethernet MAC. */
  mac: Mac | null;
  mtu: number | null;
  /** `operstate`: "up", "down", "unknown", "lowerlayerdown", …; null when unreadable. */
  operstate: string | null;
}

export interface IommuGroup {
  /** The group number, the N of `kernel/iommu_groups/<N>`. */
  id: number;
  /** True for a group vfio created in unsafe no-IOMMU mode ("vfio-noiommu"). */
  noiommu: boolean;
}

/** A PCI device as read from sysfs. Hex ids are lower case, without "0x". */
export interface PciDevice {
  address: PciAddress;
  /** 4 hex digits, e.g. "1d0f". */
  vendor: string;
  /** 4 hex digits, e.g. "ec20". */
  device: string;
  subsystemVendor: string | null;
  subsystemDevice: string | null;
  /** 6 hex digits: class, subclass, prog-if, e.g. "020000". */
  classCode: string;
  /** 2 hex digits, e.g. "00". */
  revision: string | null;
  kind: DeviceKind;
  /** Readable name for known ids (see pci-ids.ts), else null. */
  name: string | null;
  /** Basename of the `driver` link; null when unbound. */
  driver: DriverName | null;
  /** `driver_override` without its newline; null when unset ("(null)") or absent. */
  driverOverride: string | null;
  /** NUMA node; null when the kernel says -1 (no affinity) or the file is absent. */
  numaNode: number | null;
  iommuGroup: IommuGroup | null;
  /**
   * The node user space opens while a DPDK-capable driver holds the device:
   * `<devRoot>/vfio/<N>`, `<devRoot>/vfio/noiommu-<N>` or `<devRoot>/uio<N>`.
   */
  devNode: string | null;
  /** Netdevs of the device, sorted by name; empty when none (e.g. unbound, vfio-pci). */
  interfaces: NetInterface[];
}

export interface ReadDeviceOptions {
  /** Directory that stands for `/dev` in `devNode` paths. Default "/dev". */
  devRoot?: string;
}

/**
 * Reads the device at `address`, or returns null when it does not exist or
 * vanished during the read (hot-unplug). Other errors throw the port's
 * AgentError.
 */
export async function readDevice(
  sysfs: Sysfs,
  address: PciAddress,
  options: ReadDeviceOptions = {},
): Promise<PciDevice | null> {
  const dir = `bus/pci/devices/${address}`;
  const entries = await vanishedAsNull(sysfs.list(dir));
  if (entries === null) return null;
  const has = new Set(entries);
  const attr = attrReader(sysfs, dir, has);
  const [identity, revision, numa, binding] = await Promise.all([
    readIdentity(sysfs, dir, has),
    attr("revision"),
    attr("numa_node"),
    readBindingParts(sysfs, dir, entries, options),
  ]);
  if (identity === null) return null;
  const { vendor, device, classCode } = identity;
  const driverName = identity.driver as DriverName | null;
  const made = await binding(driverName);
  return {
    address,
    vendor,
    device,
    subsystemVendor: identity.subsystemVendor,
    subsystemDevice: identity.subsystemDevice,
    classCode,
    revision: revision === null ? null : hex(revision),
    kind: classifyDevice(vendor, device, classCode),
    name: pciDeviceName(vendor, device, classCode),
    driver: driverName,
    driverOverride: made.driverOverride,
    numaNode: parseNuma(numa),
    iommuGroup: made.iommuGroup,
    devNode: made.devNode,
    interfaces: made.interfaces,
  };
}

/** What a device's binding shows: the driver and what it made. */
export type PciBinding = Pick<
  PciDevice,
  "address" | "driver" | "driverOverride" | "iommuGroup" | "devNode" | "interfaces"
>;

/**
 * The binding of the device at `address` alone, for watching a move: the
 * `driver` link instead of `uevent` (one system call instead of an open, a
 * read and a close), and no ids, revision or NUMA node, which a move does
 * not change. null when the device does not exist.
 */
export async function readBinding(
  sysfs: Sysfs,
  address: PciAddress,
  options: ReadDeviceOptions = {},
): Promise<PciBinding | null> {
  const dir = `bus/pci/devices/${address}`;
  const entries = await vanishedAsNull(sysfs.list(dir));
  if (entries === null) return null;
  const has = new Set(entries);
  const [driver, binding] = await Promise.all([
    has.has("driver") ? optional(sysfs.readlink(`${dir}/driver`).then(basename)) : null,
    readBindingParts(sysfs, dir, entries, options),
  ]);
  const driverName = driver as DriverName | null;
  return { address, driver: driverName, ...(await binding(driverName)) };
}

function attrReader(
  sysfs: Sysfs,
  dir: string,
  has: ReadonlySet<string>,
): (name: string) => Promise<string | null> {
  return (name) =>
    has.has(name) ? optional(sysfs.read(`${dir}/${name}`).then(chomp)) : Promise.resolve(null);
}

/**
 * Reads the override, iommu group link, uio directory and netdevs at once;
 * resolves to a function that completes them once the driver is known (a
 * no-IOMMU group's name is read only under vfio).
 */
async function readBindingParts(
  sysfs: Sysfs,
  dir: string,
  entries: readonly string[],
  options: ReadDeviceOptions,
): Promise<(driver: DriverName | null) => Promise<Omit<PciBinding, "address" | "driver">>> {
  const has = new Set(entries);
  const [override, group, uio, interfaces] = await Promise.all([
    attrReader(sysfs, dir, has)("driver_override"),
    has.has("iommu_group")
      ? optional(sysfs.readlink(`${dir}/iommu_group`).then(basename))
      : Promise.resolve(null),
    has.has("uio") ? optional(sysfs.list(`${dir}/uio`)) : null,
    readInterfaces(sysfs, dir, entries),
  ]);
  const devRoot = options.devRoot ?? "/dev";
  return async (driver) => {
    const iommuGroup = await readIommuGroup(sysfs, group, driver);
    return {
      driverOverride: override === "(null)" ? null : override,
      iommuGroup,
      devNode: deviceNode(devRoot, driver, iommuGroup, uio),
      interfaces,
    };
  };
}

/** Netdevs under `<dir>/net/*` and, for virtio, `<dir>/virtio<N>/net/*`. */
async function readInterfaces(
  sysfs: Sysfs,
  dir: string,
  entries: readonly string[],
): Promise<NetInterface[]> {
  const netDirs = entries
    .filter((name) => name === "net" || /^virtio[0-9]+$/.test(name))
    .map((name) => (name === "net" ? `${dir}/net` : `${dir}/${name}/net`));
  const perDir = await Promise.all(
    netDirs.map(async (netDir) => {
      const names = (await optional(sysfs.list(netDir))) ?? [];
      return Promise.all(names.filter(isInterfaceName).map((n) => readInterface(sysfs, netDir, n)));
    }),
  );
  return perDir.flat().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function readInterface(sysfs: Sysfs, netDir: string, name: string): Promise<NetInterface> {
  const read = (file: string) => optional(sysfs.read(`${netDir}/${name}/${file}`).then(chomp));
  const [address, mtu, operstate] = await Promise.all([
    read("address"),
    read("mtu"),
    read("operstate"),
  ]);
  return {
    name: name as InterfaceName,
    mac: address !== null && isMac(address) ? (address.toLowerCase() as Mac) : null,
    mtu: mtu !== null && /^[0-9]+$/.test(mtu) ? Number(mtu) : null,
    operstate,
  };
}

async function readIommuGroup(
  sysfs: Sysfs,
  group: string | null,
  driver: DriverName | null,
): Promise<IommuGroup | null> {
  if (group === null || !/^[0-9]+$/.test(group)) return null;
  // A no-IOMMU group exists only while vfio holds the device, so only then is
  // the group's name worth a read (it is absent for ordinary groups).
  const name = isVfioDriver(driver)
    ? await optional(sysfs.read(`kernel/iommu_groups/${group}/name`).then(chomp))
    : null;
  return { id: Number(group), noiommu: name === "vfio-noiommu" };
}

function deviceNode(
  devRoot: string,
  driver: DriverName | null,
  group: IommuGroup | null,
  uio: string[] | null,
): string | null {
  if (isVfioDriver(driver) && group !== null) {
    return `${devRoot}/vfio/${group.noiommu ? "noiommu-" : ""}${group.id}`;
  }
  const uioName = uio?.find((name) => /^uio[0-9]+$/.test(name));
  return uioName === undefined ? null : `${devRoot}/${uioName}`;
}

function parseNuma(text: string | null): number | null {
  if (text === null || !/^-?[0-9]+$/.test(text)) return null;
  const node = Number(text);
  return node < 0 ? null : node;
}
