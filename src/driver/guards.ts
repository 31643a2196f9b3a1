/**
 * Guards: refusals that protect the host, each named in AgentError.guard.
 * `force` overrides the guards whose failure costs connectivity a person can
 * choose to give up; it never overrides the vendor allowlist, which keeps the
 * agent's writes on the devices it was built for (an NVMe disk is a PCI
 * device too).
 */
import { AgentError, type InterfaceName, type Mac } from "../common/index.js";
import type { DefaultRouteReader, PciDevice } from "../sysfs/index.js";
import type { DeviceSnapshot } from "./types.js";

export type GuardName =
  | "vendor-allowlist"
  | "default-route"
  | "primary-interface"
  | "interface-in-use"
  | "unknown-device"
  /** A process holds the device's vfio node (checked by preflight, overridden by force). */
  | "device-in-use";

/**
 * The instance's primary interface (device-number 0). From configuration
 * until the instance identity arrives from IMDS; null when unknown.
 */
export interface PrimaryProvider {
  primary(): Promise<{ mac: Mac | null; interface: InterfaceName | null } | null>;
}

/** Addresses assigned to an interface (not in sysfs: netlink or the API's view). */
export interface AddressProvider {
  addresses(iface: InterfaceName): Promise<string[]>;
}

export interface GuardDeps {
  routes: DefaultRouteReader;
  primary: PrimaryProvider;
  addresses: AddressProvider;
}

interface GuardRequest {
  /** "vendor:device" pairs managed by the agent. */
  allowedIds: readonly string[];
  force: boolean;
  /** The device's home snapshot from the journal, null when never seen under its kernel driver. */
  home: DeviceSnapshot | null;
  /** True when the move takes the device away from its kernel netdev driver. */
  takesFromKernel: boolean;
}

interface GuardResult {
  /** Guards that refused but were overridden by force, for the log and the journal. */
  overridden: GuardName[];
}

interface Refusal {
  guard: GuardName;
  message: string;
  remedy: string;
}

/** Throws FAILED_PRECONDITION naming the first guard that refuses and is not overridden. */
export async function checkGuards(
  device: PciDevice,
  request: GuardRequest,
  deps: GuardDeps,
): Promise<GuardResult> {
  checkAllowlist(device, request.allowedIds);
  const refusals = request.takesFromKernel
    ? await netdevRefusals(device, deps)
    : unknownRefusals(device, request.home);
  if (refusals.length === 0) return { overridden: [] };
  if (!request.force) throw refusal(device, refusals[0]!);
  return { overridden: refusals.map((r) => r.guard) };
}

/** The guard every operation passes, restore included; never overridden. */
export function checkAllowlist(
  device: Pick<PciDevice, "address" | "vendor" | "device"> & { name?: string | null },
  allowedIds: readonly string[],
): void {
  const id = `${device.vendor}:${device.device}`;
  if (allowedIds.includes(id)) return;
  throw refusal(device, {
    guard: "vendor-allowlist",
    message: `device ${device.address} (${id}${device.name ? `, ${device.name}` : ""}) is not a managed device; managed ids: ${allowedIds.join(", ")}`,
    remedy: `if this device really is a NIC for DPDK, add its id: --allow ${id} offline, or allowedDevices in the configuration; force does not override this`,
  });
}

/**
 * The guards for taking a device from its kernel netdev driver, unforced:
 * what recovery checks before a rollback does that on the journal's word.
 */
export async function checkNetdevGuards(device: PciDevice, deps: GuardDeps): Promise<void> {
  const refusals = await netdevRefusals(device, deps);
  if (refusals.length > 0) throw refusal(device, refusals[0]!);
}

/** A device not under a kernel netdev driver, never seen under one: its identity is unknown. */
function unknownRefusals(device: PciDevice, home: DeviceSnapshot | null): Refusal[] {
  if (home !== null || device.interfaces.length > 0) return [];
  return [
    {
      guard: "unknown-device",
      message: `device ${device.address} has no interface and the journal has no record of it under its kernel driver, so its MAC and interface are unknown`,
      remedy: "restore it to its kernel driver first (eni-agent restore), or pass --force",
    },
  ];
}

async function netdevRefusals(device: PciDevice, deps: GuardDeps): Promise<Refusal[]> {
  const names = new Set<string>(device.interfaces.map((n) => n.name));
  const macs = new Set<string>(device.interfaces.flatMap((n) => (n.mac ? [n.mac] : [])));
  const [routes, primary, addresses] = await Promise.all([
    deps.routes.defaultRoutes(),
    deps.primary.primary(),
    Promise.all(
      device.interfaces
        .filter((n) => n.operstate === "up")
        .map(async (n) => ({ name: n.name, list: await deps.addresses.addresses(n.name) })),
    ),
  ]);
  const out: Refusal[] = [];
  const routed = routes.filter((r) => names.has(r.interface));
  if (routed.length > 0) {
    const first = routed[0]!;
    const families = [...new Set(routed.map((r) => (r.family === 4 ? "IPv4" : "IPv6")))].join(
      " and ",
    );
    out.push({
      guard: "default-route",
      message: `interface ${first.interface} carries the ${families} default route${first.gateway ? ` (via ${first.gateway})` : ""}; taking it from the kernel cuts the host off`,
      remedy: "move the default route to another interface first, or pass --force",
    });
  }
  const isPrimary =
    primary !== null &&
    ((primary.mac !== null && macs.has(primary.mac)) ||
      (primary.interface !== null && names.has(primary.interface)));
  if (isPrimary) {
    out.push({
      guard: "primary-interface",
      message: `device ${device.address} is the instance's primary interface (device-number 0)`,
      remedy: "use a secondary ENI for DPDK; pass --force only on a host reached another way",
    });
  }
  const inUse = addresses.find((a) => a.list.length > 0);
  if (inUse !== undefined) {
    out.push({
      guard: "interface-in-use",
      message: `interface ${inUse.name} is up with addresses ${inUse.list.join(", ")}`,
      remedy: `take it down first (ip link set ${inUse.name} down), or pass --force`,
    });
  }
  return out;
}

function refusal(device: { address: PciDevice["address"] }, r: Refusal): AgentError {
  return new AgentError("FAILED_PRECONDITION", `refused by guard ${r.guard}: ${r.message}`, {
    guard: r.guard,
    device: device.address,
    remedy: r.remedy,
  });
}
