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
import type { BindingTarget, DeviceSnapshot, DeviceState, OperationKind, Plan } from "./types.js";

/** What a request would do, without doing it (--dry-run). */
export interface PlannedOperation {
  kind: OperationKind;
  device: PciAddress;
  /** The device now: rollback returns here. */
  snapshot: DeviceSnapshot;
  /** The device's binding as prepare read it (a no-op's result). */
  state: DeviceState;
  plan: Plan;
  /** True when the device already is at the target: nothing to write or journal. */
  noop: boolean;
  /** The device under its kernel driver (MAC, interface), carried by the operation. */
  home: DeviceSnapshot | null;
  overriddenGuards: GuardName[];
  /** What the caller should know although the operation may go ahead. */
  warnings: string[];
  /**
   * The device's ids as prepare read them from sysfs, under the operation's
   * lock: the executor's allowlist check uses them rather than reading again.
   */
  ids: { vendor: string; device: string };
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
  // The network guards' reads do not depend on the device: they start with
  // its read rather than after it.
  const network = startNetworkReads(ctx);
  const current = await readExisting(ctx.sysfs, device);
  const home = homeOf(ctx, current);
  if (current.driver === driver) {
    const here = { driver, override: current.driverOverride, mac: null };
    return planned(ctx, "bind", current, here, home, { noop: true });
  }
  const [guards, checked] = await firstFailure(
    checkGuards(
      current,
      {
        allowedIds: ctx.allowedIds,
        force,
        home,
        takesFromKernel: takesFromKernel(current, driver),
      },
      network,
    ),
    preflight(current, driver, ctx, force),
  );
  return planned(ctx, "bind", current, bindTarget(driver, home), home, {
    overriddenGuards: [...guards.overridden, ...checked.overridden],
    warnings: checked.warnings,
  });
}

/**
 * Back to the kernel driver of the home snapshot (or the configured one),
 * override cleared. `force` overrides the holder check only: a restore
 * takes nothing from the kernel, so no network guard applies.
 */
export async function prepareRestore(
  ctx: PrepareContext,
  device: PciAddress,
  force: boolean,
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
    return planned(ctx, "restore", current, target, home, { noop: true });
  }
  const checked = await preflight(current, driver, ctx, force);
  return planned(ctx, "restore", current, target, home, {
    overriddenGuards: checked.overridden,
    warnings: checked.warnings,
  });
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
  const { warnings } = await preflight(current, target.driver, ctx);
  return planned(ctx, "repair", current, target, latest.header.home, { warnings });
}

/** Clears a driver_override no journal entry explains, leaving the binding as it is. */
export async function prepareDriftRepair(
  ctx: PrepareContext,
  device: PciAddress,
): Promise<PlannedOperation> {
  const current = await readExisting(ctx.sysfs, device);
  const target: BindingTarget = { driver: current.driver, override: null, mac: null };
  return planned(ctx, "drift", current, target, ctx.book.homeFor(device));
}

function planned(
  ctx: PrepareContext,
  kind: OperationKind,
  current: PciDevice,
  target: BindingTarget,
  home: DeviceSnapshot | null,
  extra: { overriddenGuards?: GuardName[]; noop?: boolean; warnings?: string[] } = {},
): PlannedOperation {
  const from = { driver: current.driver, override: current.driverOverride };
  return {
    kind,
    device: current.address,
    snapshot: snapshotOf(current, ctx.clock.isoNow()),
    state: stateOf(current),
    plan: planTransition(current.address, from, target),
    noop: extra.noop ?? false,
    home,
    overriddenGuards: extra.overriddenGuards ?? [],
    warnings: extra.warnings ?? [],
    ids: { vendor: current.vendor, device: current.device },
  };
}

/**
 * The default routes and the primary interface, read now and answered to
 * the guards later. A failure surfaces only if a guard asks: a move that
 * takes no netdev from the kernel never does.
 */
function startNetworkReads(ctx: PrepareContext): GuardDeps {
  const routes = settle(ctx.routes.defaultRoutes());
  const primary = settle(ctx.primary.primary());
  return {
    routes: { defaultRoutes: () => routes.then(unwrap) },
    primary: { primary: () => primary.then(unwrap) },
    addresses: ctx.addresses,
  };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function unwrap<T>(settled: Settled<T>): T {
  if (settled.ok) return settled.value;
  throw settled.error;
}

/** Both results once both ran; the first one's failure wins when both fail. */
async function firstFailure<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === "rejected") throw x.reason;
  if (y.status === "rejected") throw y.reason;
  return [x.value, y.value];
}

/** The device now when its kernel netdev driver has it, else the journal's home snapshot. */
function homeOf(ctx: PrepareContext, current: PciDevice): DeviceSnapshot | null {
  if (current.interfaces.length > 0 && !isUserSpaceDriver(current.driver)) {
    return snapshotOf(current, ctx.clock.isoNow());
  }
  return ctx.book.homeFor(current.address);
}
