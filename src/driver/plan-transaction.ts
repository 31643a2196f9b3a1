/**
 * Pure planning: which sysfs writes take a device from one binding to
 * another. No I/O here, so every plan can be checked against a model of the
 * kernel (test/driver/plan-transaction.test.ts) without a simulator.
 */
import { AgentError, type DriverName, type PciAddress } from "../common/index.js";
import { isUserSpaceDriver } from "../sysfs/classify.js";
import type { BindingTarget, DeviceSnapshot, Plan, Step } from "./types.js";

/** The part of a device's state a plan changes. */
export interface Binding {
  driver: DriverName | null;
  override: string | null;
}

/** The kernel cuts driver_override at 4094 bytes (4095 → EINVAL). */
const MAX_OVERRIDE_BYTES = 4094;

/**
 * The writes that move a device from `from` to `to`, in kernel order:
 *
 * 1. steer: driver_override := target driver. vfio-pci and uio_pci_generic
 *    match only through the override, and for a kernel driver it keeps any
 *    other driver (a new_id, a udev drivers_probe) from taking the device
 *    in the window between unbind and bind;
 * 2. unbind from the current driver (unbind answers ENODEV unless the device
 *    is bound to exactly that driver);
 * 3. bind to the target through `drivers/<t>/bind`, never drivers_probe,
 *    whose answer says nothing about the outcome;
 * 4. leave driver_override as the target says ("\n" to clear: an empty
 *    write never reaches the kernel).
 *
 * Same driver on both sides → only the override is adjusted (a change of
 * override on a bound device has no effect until the next probe).
 */
export function planSteps(from: Binding, to: Binding): Step[] {
  checkOverride(to.override);
  if (from.driver === to.driver) {
    return from.override === to.override ? [] : [overrideStep(to.override)];
  }
  const steps: Step[] = [];
  let override = from.override;
  if (to.driver !== null && override !== to.driver) {
    steps.push({ kind: "set-override", value: to.driver });
    override = to.driver;
  }
  if (from.driver !== null) steps.push({ kind: "unbind", driver: from.driver });
  if (to.driver !== null) steps.push({ kind: "bind", driver: to.driver });
  if (override !== to.override) steps.push(overrideStep(to.override));
  return steps;
}

/** A full plan with the inverse steps, for display and review. */
export function planTransition(device: PciAddress, from: Binding, to: BindingTarget): Plan {
  return {
    device,
    steps: planSteps(from, to),
    target: to,
    inverse: planSteps({ driver: to.driver, override: to.override }, from),
  };
}

/**
 * The target that returns a device to a snapshot: its driver, its override as
 * it was, and (when it had an interface) the interface's MAC back.
 */
export function snapshotTarget(snapshot: DeviceSnapshot): BindingTarget {
  return { driver: snapshot.driver, override: snapshot.driverOverride, mac: snapshot.mac };
}

/**
 * Where a bind to `driver` ends. A DPDK driver keeps its override set (so a
 * re-probe, e.g. a module reload, hands the device back to it and not to the
 * kernel netdev driver); a kernel netdev driver ends with the override
 * cleared and, when the home snapshot knows the MAC, with its interface back.
 */
export function bindTarget(driver: DriverName, home: DeviceSnapshot | null): BindingTarget {
  if (isUserSpaceDriver(driver)) return { driver, override: driver, mac: null };
  const mac = home !== null && home.driver === driver ? home.mac : null;
  return { driver, override: null, mac };
}

/**
 * True when moving `device` to `driver` takes it from its kernel netdev
 * driver: the network guards (default route, primary, addresses) apply.
 */
export function takesFromKernel(
  device: { driver: string | null; interfaces: readonly unknown[] },
  driver: string | null,
): boolean {
  return (
    device.interfaces.length > 0 && !isUserSpaceDriver(device.driver) && driver !== device.driver
  );
}

function overrideStep(value: string | null): Step {
  return value === null ? { kind: "clear-override" } : { kind: "set-override", value };
}

/**
 * A driver_override value that one write can set back as it is: not empty
 * (an empty write never reaches the kernel), no newline or NUL (the kernel
 * cuts there), at most 4094 bytes.
 */
export function isWritableOverride(value: string): boolean {
  return (
    value.length > 0 &&
    !value.includes("\n") &&
    !value.includes("\0") &&
    Buffer.byteLength(value) <= MAX_OVERRIDE_BYTES
  );
}

function checkOverride(value: string | null): void {
  if (value !== null && !isWritableOverride(value)) {
    throw new AgentError(
      "INVALID_ARGUMENT",
      `driver_override value cannot be written back: ${JSON.stringify(value.slice(0, 64))}`,
    );
  }
}

/** The sysfs file and payload of a step. Every path the engine writes is built here. */
export function stepWrite(device: PciAddress, step: Step): { path: string; data: string } {
  switch (step.kind) {
    case "set-override":
      return { path: `bus/pci/devices/${device}/driver_override`, data: step.value };
    case "clear-override":
      // "\n" clears; "" never reaches the kernel and a NUL byte set an empty,
      // never-matching override on 5.19 kernels before a 2022 fix.
      return { path: `bus/pci/devices/${device}/driver_override`, data: "\n" };
    case "unbind":
      return { path: `bus/pci/drivers/${step.driver}/unbind`, data: device };
    case "bind":
      return { path: `bus/pci/drivers/${step.driver}/bind`, data: device };
  }
}

/** One line per step, for --dry-run and logs. */
export function describeStep(device: PciAddress, step: Step): string {
  const { path, data } = stepWrite(device, step);
  return `write ${JSON.stringify(data)} to ${path}`;
}
