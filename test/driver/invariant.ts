/**
 * Invariant 1, checked against the simulated kernel's actual state: after an
 * operation the device is at its target (verified), at its snapshot
 * (verified), or reported DEGRADED with the exact state it is in.
 * Invariant 4: a restored device has no driver_override.
 */
import type { PciAddress } from "../../src/common/index.js";
import type { DriverEngine } from "../../src/driver/engine.js";
import type { SimDeviceState, SimKernel } from "../../src/sim/index.js";

export interface Expectation {
  /** Where success leaves the device. */
  target: { driver: string; override: string | null };
  /** The device before the operation. */
  before: SimDeviceState;
  kind: "bind" | "restore";
}

/** Returns a violation message, or null. */
export function violation(
  kernel: SimKernel,
  engine: DriverEngine,
  device: PciAddress,
  outcome: { ok: boolean; code?: string },
  expect: Expectation,
): string | null {
  const now = kernel.device(device);
  if (now === undefined) return "device vanished";
  const at = (want: { driver: string | null; override: string | null }) =>
    now.driver === want.driver && now.driverOverride === want.override;
  const health = engine.health(device);
  if (health === "stuck") return "device still stuck after its write returned";
  if (outcome.ok) {
    if (!at(expect.target)) return `reported committed but kernel has ${show(now)}`;
    if (expect.target.driver === "ena" && now.net === null)
      return "committed to ena without its interface";
    if (expect.kind === "restore" && now.driverOverride !== null)
      return "restored with driver_override set";
    return null;
  }
  if (health === "degraded") {
    const seen = engine.operations().at(-1)?.observed;
    if (seen === null || seen === undefined) return "degraded without an observed state";
    if (seen.driver !== now.driver || seen.override !== now.driverOverride) {
      return `degraded: journal says ${seen.driver}/${seen.override}, kernel has ${show(now)}`;
    }
    return null;
  }
  if (!at({ driver: expect.before.driver, override: expect.before.driverOverride })) {
    return `failed (${outcome.code}) and healthy, but not at the snapshot: ${show(now)} vs ${show(expect.before)}`;
  }
  if (expect.before.net !== null && now.net === null) return "rolled back without the interface";
  return null;
}

export function show(d: SimDeviceState): string {
  return `driver=${d.driver} override=${d.driverOverride} if=${d.net?.name ?? "-"}`;
}
