/**
 * A device as the API shows it: what sysfs says now, joined with the ENI
 * identity from IMDS (by MAC; for a device under a DPDK driver, by the MAC
 * the journal recorded while the kernel owned it), the engine's health
 * (DEGRADED, STUCK), the running operation, the desired driver and the
 * processes holding its device node.
 */
import type { DriverName, EniId, Mac, PciAddress } from "../common/index.js";
import type {
  DesiredBinding,
  DesiredStore,
  DeviceHealth,
  DeviceSnapshot,
} from "../driver/index.js";
import { parseDesiredBinding } from "../driver/index.js";
import type { DeviceRecord, DeviceStateName } from "../server/core-types.js";
import { type HolderScanner, isUserSpaceDriver, type PciDevice } from "../sysfs/index.js";
import type { ImdsIdentity } from "./imds-identity.js";

export interface DeviceRecordDeps {
  engine: {
    health(device: PciAddress): DeviceHealth;
    home(device: PciAddress): DeviceSnapshot | null;
  };
  active(device: PciAddress): string | null;
  identity: Pick<ImdsIdentity, "byMac" | "instance">;
  holders: HolderScanner;
  allowedDrivers: readonly string[];
  /** The kernel driver of a device: "ena" for ENA, the configured one otherwise. */
  kernelDriver(device: PciDevice): string | null;
}

/** What one listing needs once, whatever the number of devices. */
export interface ListingContext {
  /** Interfaces carrying a default route. */
  routed: ReadonlySet<string>;
  primary: { mac: Mac | null; interface: string | null };
  desired: DesiredLookup;
  /**
   * Whether records name the processes holding each device node. Finding them
   * reads every process's descriptors (seconds on a host with thousands of
   * processes), so callers that do not show them skip it.
   */
  withHolders: boolean;
}

type DesiredLookup = (mac: Mac | null, eniId: EniId | null) => DriverName | null;

/** Desired bindings from the store and the configuration; a stored one wins for the same key. */
export async function desiredLookup(
  store: DesiredStore,
  declared: readonly unknown[],
  allowedDrivers: readonly string[],
): Promise<DesiredLookup> {
  const stored = await store.load();
  const all: DesiredBinding[] = [
    ...stored,
    ...declared.map((b) => parseDesiredBinding(b, "config", allowedDrivers)),
  ];
  return (mac, eniId) => {
    for (const b of all) {
      if ("mac" in b.key ? b.key.mac === mac : b.key.eniId === eniId) return b.driver;
    }
    return null;
  };
}

export async function deviceRecord(
  device: PciDevice,
  deps: DeviceRecordDeps,
  listing: ListingContext,
): Promise<DeviceRecord> {
  const address = device.address;
  const live = device.interfaces[0] ?? null;
  const home = deps.engine.home(address);
  const mac = live?.mac ?? home?.mac ?? null;
  const eni = mac === null ? undefined : deps.identity.byMac(mac);
  const primaryMac = deps.identity.instance()?.primaryMac ?? listing.primary.mac;
  const names = device.interfaces.map((n) => n.name as string);
  const management =
    names.some((n) => listing.routed.has(n)) ||
    (mac !== null && mac === primaryMac) ||
    (listing.primary.interface !== null && names.includes(listing.primary.interface)) ||
    eni?.primary === true;
  const activeOperationId = deps.active(address);
  const { state, detail } = stateOf(device, deps, activeOperationId);
  return {
    pciAddress: address,
    vendorId: device.vendor,
    deviceId: device.device,
    driver: device.driver,
    driverOverride: device.driverOverride,
    state,
    stateDetail: detail,
    identity: {
      mac,
      eniId: eni?.eniId ?? null,
      interfaceName: live?.name ?? home?.interface ?? null,
      mtu: live?.mtu ?? home?.mtu ?? null,
      deviceNumber: eni?.deviceNumber ?? null,
      networkCard: eni?.networkCard ?? (eni === undefined ? null : 0),
      recordedAt: live !== null ? new Date() : home !== null ? new Date(home.takenAt) : null,
    },
    numaNode: device.numaNode,
    iommuGroup: device.iommuGroup === null ? null : String(device.iommuGroup.id),
    management,
    desiredDriver: listing.desired(mac, eni?.eniId ?? null),
    activeOperationId,
    holders:
      device.devNode === null || !listing.withHolders
        ? []
        : await deps.holders.holders([device.devNode]),
    devNode: device.devNode,
  };
}

function stateOf(
  device: PciDevice,
  deps: DeviceRecordDeps,
  activeOperationId: string | null,
): { state: DeviceStateName; detail: string | null } {
  const health = deps.engine.health(device.address);
  if (health === "stuck") {
    return { state: "stuck", detail: "a sysfs write is blocked in the kernel; it is watched" };
  }
  if (health === "degraded") {
    return {
      state: "degraded",
      detail: "neither the target nor the snapshot could be verified; under repair",
    };
  }
  if (activeOperationId !== null) return { state: "transitioning", detail: null };
  const driver = device.driver;
  if (driver === null) return { state: "unbound", detail: null };
  if (isUserSpaceDriver(driver) && deps.allowedDrivers.includes(driver)) {
    return { state: "dpdk", detail: null };
  }
  if (driver === deps.kernelDriver(device)) return { state: "kernel", detail: null };
  return { state: "foreign", detail: `bound to ${driver}, a driver eni-agent does not manage` };
}
