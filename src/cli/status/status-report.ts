/**
 * The data behind `eni-agent status`, and the documented shape of
 * `status --json` (docs/status.md). Fields are only ever added; a change to an
 * existing field's meaning bumps STATUS_SCHEMA_VERSION.
 */

import { type DeviceKind, isNetworkKind, isUserSpaceDriver } from "../../sysfs/classify.js";
import type { Inventory } from "../../sysfs/inventory.js";
import type { PciDevice } from "../../sysfs/read-device.js";
import type { DefaultRoute } from "../../sysfs/sysfs.js";

const STATUS_SCHEMA_VERSION = 1;

/** Who holds the device: a DPDK-capable (user-space) driver, another kernel driver, or nobody. */
export type StatusGroup = "dpdk" | "kernel" | "unbound";

interface StatusInterface {
  name: string;
  mac: string | null;
  mtu: number | null;
  operstate: string | null;
  /** Carries a default route (see docs/status.md for what procfs can show). */
  active: boolean;
}

/**
 * Spelled out rather than derived from PciDevice on purpose: the JSON schema
 * is a published contract and must not change when the internal record does.
 */
export interface StatusDevice {
  address: string;
  vendor: string;
  device: string;
  subsystemVendor: string | null;
  subsystemDevice: string | null;
  classCode: string;
  revision: string | null;
  name: string | null;
  kind: DeviceKind;
  network: boolean;
  group: StatusGroup;
  driver: string | null;
  driverOverride: string | null;
  numaNode: number | null;
  iommuGroup: { id: number; noiommu: boolean } | null;
  devNode: string | null;
  interfaces: StatusInterface[];
  /** True when any of its interfaces carries a default route. */
  active: boolean;
}

export interface StatusReport {
  version: typeof STATUS_SCHEMA_VERSION;
  sysfsRoot: string;
  procRoot: string;
  /** False: network devices only (ENA, EFA, PCI class 02). True: every PCI device. */
  all: boolean;
  defaultRoutes: DefaultRoute[];
  devices: StatusDevice[];
}

interface StatusReportOptions {
  all: boolean;
  sysfsRoot: string;
  procRoot: string;
}

export function buildStatusReport(
  inventory: Inventory,
  defaultRoutes: readonly DefaultRoute[],
  options: StatusReportOptions,
): StatusReport {
  const activeNames = new Set(defaultRoutes.map((route) => route.interface));
  const devices = inventory.devices
    .filter((device) => options.all || isNetworkKind(device.kind))
    .map((device) => statusDevice(device, activeNames));
  return {
    version: STATUS_SCHEMA_VERSION,
    sysfsRoot: options.sysfsRoot,
    procRoot: options.procRoot,
    all: options.all,
    defaultRoutes: [...defaultRoutes],
    devices,
  };
}

function statusDevice(device: PciDevice, activeNames: ReadonlySet<string>): StatusDevice {
  const interfaces = device.interfaces.map((net) => ({
    name: net.name,
    mac: net.mac,
    mtu: net.mtu,
    operstate: net.operstate,
    active: activeNames.has(net.name),
  }));
  return {
    address: device.address,
    vendor: device.vendor,
    device: device.device,
    subsystemVendor: device.subsystemVendor,
    subsystemDevice: device.subsystemDevice,
    classCode: device.classCode,
    revision: device.revision,
    name: device.name,
    kind: device.kind,
    network: isNetworkKind(device.kind),
    group: groupOf(device.driver),
    driver: device.driver,
    driverOverride: device.driverOverride,
    numaNode: device.numaNode,
    iommuGroup: device.iommuGroup === null ? null : { ...device.iommuGroup },
    devNode: device.devNode,
    interfaces,
    active: interfaces.some((net) => net.active),
  };
}

function groupOf(driver: string | null): StatusGroup {
  if (driver === null) return "unbound";
  return isUserSpaceDriver(driver) ? "dpdk" : "kernel";
}
