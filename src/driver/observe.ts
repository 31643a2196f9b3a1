/**
 * Observation: what the kernel says a device is, compared with what a
 * transaction wanted. Verification never trusts a write's answer (a
 * drivers_probe "succeeds" when nothing binds; a netdev registers some time
 * after the bind returns): it reads the device until it matches or a bound
 * runs out.
 */
import { AgentError, type PciAddress } from "../common/index.js";
import {
  isUserSpaceDriver,
  type PciBinding,
  type PciDevice,
  readBinding,
  readDevice,
  type Sysfs,
} from "../sysfs/index.js";
import type { Clock } from "./clock.js";
import type { BindingTarget, DeviceSnapshot, DeviceState } from "./types.js";

export function stateOf(device: PciBinding): DeviceState {
  return {
    address: device.address,
    driver: device.driver,
    override: device.driverOverride,
    interfaces: device.interfaces,
    iommuGroup: device.iommuGroup,
    devNode: device.devNode,
  };
}

export function snapshotOf(device: PciDevice, takenAt: string): DeviceSnapshot {
  const net = device.interfaces[0] ?? null;
  return {
    address: device.address,
    vendor: device.vendor,
    device: device.device,
    driver: device.driver,
    driverOverride: device.driverOverride,
    interface: net?.name ?? null,
    mac: net?.mac ?? null,
    mtu: net?.mtu ?? null,
    operstate: net?.operstate ?? null,
    numaNode: device.numaNode,
    iommuGroup: device.iommuGroup,
    takenAt,
  };
}

/** Reads a device; NOT_FOUND when it does not exist. */
export async function readExisting(sysfs: Sysfs, address: PciAddress): Promise<PciDevice> {
  const device = await readDevice(sysfs, address);
  if (device === null) {
    throw new AgentError("NOT_FOUND", `no PCI device ${address}`, {
      device: address,
      remedy: "list devices with eni-agent status",
    });
  }
  return device;
}

/**
 * Why `state` is not `target`, or null when it is. A DPDK driver counts only
 * with its user-space node present (vfio: an IOMMU group; uio: uioN); a
 * target with a MAC counts only once a netdev with that MAC is registered,
 * under whatever name the kernel handed out.
 */
export function mismatch(state: DeviceState | null, target: BindingTarget): string | null {
  if (state === null) return "the device is gone";
  if (state.driver !== target.driver) {
    return `driver is ${state.driver ?? "(none)"}, expected ${target.driver ?? "(none)"}`;
  }
  if (state.override !== target.override) {
    const show = (v: string | null) => (v === null ? "(null)" : printable(v));
    return `driver_override is ${show(state.override)}, expected ${show(target.override)}`;
  }
  if (target.driver !== null && isUserSpaceDriver(target.driver) && state.devNode === null) {
    return `${target.driver} holds the device but no user-space device node appeared`;
  }
  if (target.mac !== null && !state.interfaces.some((net) => net.mac === target.mac)) {
    return `no interface with MAC ${target.mac} (interfaces: ${
      state.interfaces.map((n) => `${n.name}=${n.mac ?? "?"}`).join(", ") || "none"
    })`;
  }
  return null;
}

export interface VerifyOptions {
  timeoutMs: number;
  pollMs: number;
}

type Verification =
  | { ok: true; state: DeviceState }
  | { ok: false; state: DeviceState | null; why: string };

/** Reads the device until it matches `target` or `timeoutMs` passes (at least one read). */
export async function verify(
  sysfs: Sysfs,
  clock: Clock,
  address: PciAddress,
  target: BindingTarget,
  options: VerifyOptions,
): Promise<Verification> {
  const until = clock.now() + options.timeoutMs;
  // What is awaited (a netdev registering, a device node appearing) usually
  // lands within a millisecond or two of the write: the waits start short
  // and double up to pollMs, so a move does not sit out a whole poll for it.
  for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, options.pollMs)) {
    const device = await readBinding(sysfs, address);
    const state = device === null ? null : stateOf(device);
    const why = mismatch(state, target);
    if (why === null && state !== null) return { ok: true, state };
    if (clock.now() >= until) return { ok: false, state, why: why ?? "the device is gone" };
    await clock.sleep(Math.min(waitMs, options.pollMs));
  }
}

/** One line for messages: "driver=vfio-pci override=vfio-pci node=/dev/vfio/0". */
export function describeState(state: DeviceState | null): string {
  if (state === null) return "device gone";
  const nets = state.interfaces.map((n) => `${n.name}(${n.mac ?? "?"})`).join(",");
  return [
    `driver=${state.driver ?? "(none)"}`,
    `override=${state.override === null ? "(null)" : printable(state.override)}`,
    nets ? `net=${nets}` : "",
    state.devNode ? `node=${state.devNode}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

/** An override is a free string: quote it when it holds anything but plain printable text. */
function printable(text: string): string {
  return /^[\x21-\x7e]+$/.test(text) ? text : JSON.stringify(text);
}
