/**
 * Everything before the first write: read the device, decide the target,
 * run guards and preflight, plan. Read-only, so it also serves --dry-run.
 */
import { AgentError, type DriverName, type PciAddress } from "../common/index.js";
import { isUserSpaceDriver, type PciDevice, parseDriverName, type Sysfs } from "../sysfs/index.js";
import type { Clock } from "./clock.js";
import { checkAllowlist, checkGuards, type GuardDeps, type GuardName } from "./guards.js";
import { mismatch, readExisting, snapshotOf, stateOf } from "./observe.js";
import type { OperationBook } from "./operation-book.js";
import { bindTarget, planTransition, snapshotTarget, takesFromKernel } from "./plan-transaction.js";
import { type PreflightDeps, preflight } from "./preflight.js";
import type { BindingTarget, DeviceSnapshot, OperationKind, Plan } from "./types.js";

/** What a request would do, without doing it (--dry-run). */
export interface PlannedOperation {
  kind: OperationKind;
  device: PciAddress;
  /** The device now: rollback returns here. */
  snapshot: DeviceSnapshot;
  plan: Plan;
  /** True when the device already is at the target: nothing to write or journal. */
  noop: boolean;
  /** The device under its kernel driver (MAC, interface), carried by the operation. */
  home: DeviceSnapshot | null;
  overriddenGuards: GuardName[];
}

export interface PrepareContext extends GuardDeps, PreflightDeps {
  sysfs: Sysfs;
  book: OperationBook;
  clock: Clock;
  allowedIds: readonly string[];
  /** vendor:device → kernel driver, for devices the journal never saw at home. */
  kernelDrivers: Readonly<Record<string, string>>;
}

export async function prepareBind(
  ctx: PrepareContext,
  device: PciAddress,
  driver: DriverName,
  force: boolean,
): Promise<PlannedOperation> {
  const current = await readExisting(ctx.sysfs, device);
  const home = homeOf(ctx, current);
  if (current.driver === driver) {
    const here = { driver, override: current.driverOverride, mac: null };
    return planned(ctx, "bind", current, here, home, [], true);
  }
  const guards = await checkGuards(
    current,
    { allowedIds: ctx.allowedIds, force, home, takesFromKernel: takesFromKernel(current, driver) },
    ctx,
  );
  await preflight(current, driver, ctx);
  return planned(ctx, "bind", current, bindTarget(driver, home), home, guards.overridden);
}

/** Back to the kernel driver of the home snapshot (or the configured one), override cleared. */
export async function prepareRestore(
  ctx: PrepareContext,
  device: PciAddress,
): Promise<PlannedOperation> {
  const current = await readExisting(ctx.sysfs, device);
  checkAllowlist(current, ctx.allowedIds);
  const home = homeOf(ctx, current);
  const id = `${current.vendor}:${current.device}`;
  const name = home?.driver ?? ctx.kernelDrivers[id] ?? null;
  if (name === null) {
    throw new AgentError(
      "FAILED_PRECONDITION",
      `no record of the kernel driver of device ${device} (${id})`,
      { device, remedy: `name it in the configuration: "kernelDrivers": { "${id}": "<driver>" }` },
    );
  }
  const driver = parseDriverName(name, [name]);
  // Under a netdev driver already, the interface it has is its own; coming
  // from DPDK, the interface must come back with the MAC it had.
  const mac = current.interfaces.length > 0 ? null : (home?.mac ?? null);
  const target: BindingTarget = { driver, override: null, mac };
  if (mismatch(stateOf(current), target) === null) {
    return planned(ctx, "restore", current, target, home, [], true);
  }
  await preflight(current, driver, ctx);
  return planned(ctx, "restore", current, target, home, []);
}

/**
 * A DEGRADED device back to where its failed operation should have left it:
 * the snapshot of the operation whose rollback failed, or, after a failed
 * repair, what that repair aimed at. null when the device is not degraded.
 */
export async function prepareRepair(
  ctx: PrepareContext,
  device: PciAddress,
): Promise<PlannedOperation | null> {
  const latest = ctx.book.latestFor(device);
  if (latest === undefined || ctx.book.health(device) !== "degraded") return null;
  const current = await readExisting(ctx.sysfs, device);
  const target =
    latest.header.kind === "repair" ? latest.header.target : snapshotTarget(latest.header.snapshot);
  await preflight(current, target.driver, ctx);
  return planned(ctx, "repair", current, target, latest.header.home, []);
}

/** Clears a driver_override no journal entry explains, leaving the binding as it is. */
export async function prepareDriftRepair(
  ctx: PrepareContext,
  device: PciAddress,
): Promise<PlannedOperation> {
  const current = await readExisting(ctx.sysfs, device);
  const target: BindingTarget = { driver: current.driver, override: null, mac: null };
  return planned(ctx, "drift", current, target, ctx.book.homeFor(device), []);
}

function planned(
  ctx: PrepareContext,
  kind: OperationKind,
  current: PciDevice,
  target: BindingTarget,
  home: DeviceSnapshot | null,
  overriddenGuards: GuardName[],
  noop = false,
): PlannedOperation {
  const from = { driver: current.driver, override: current.driverOverride };
  return {
    kind,
    device: current.address,
    snapshot: snapshotOf(current, ctx.clock.isoNow()),
    plan: planTransition(current.address, from, target),
    noop,
    home,
    overriddenGuards,
  };
}

/** The device now when its kernel netdev driver has it, else the journal's home snapshot. */
function homeOf(ctx: PrepareContext, current: PciDevice): DeviceSnapshot | null {
  if (current.interfaces.length > 0 && !isUserSpaceDriver(current.driver)) {
    return snapshotOf(current, ctx.clock.isoNow());
  }
  return ctx.book.homeFor(current.address);
}
