/**
 * The driver engine: the one object the daemon (and the offline CLI) uses to
 * move devices between drivers. It owns no timer or socket: its only
 * long-lived work is resolving writes that got stuck, which `idle()` awaits.
 *
 * Order of use: construct → `recover()` (resolves every unfinished operation
 * and reports drift; bind/restore refuse with UNAVAILABLE before it) → bind /
 * restore / repair / deviceAdded.
 */
import { randomUUID } from "node:crypto";
import { AgentError, type PciAddress } from "../common/index.js";
import {
  DEFAULT_DRIVER_ALLOWLIST,
  type DefaultRouteReader,
  type HolderScanner,
  type PciDevice,
  parseDriverName,
  type Sysfs,
} from "../sysfs/index.js";
import { type Clock, realClock } from "./clock.js";
import { DeviceLocks, type Lease } from "./device-locks.js";
import { parseKernelRelease } from "./diagnose.js";
import {
  type AddressProvider,
  checkAllowlist,
  checkGuards,
  DEFAULT_ALLOWED_IDS,
  type GuardName,
  type PrimaryProvider,
} from "./guards.js";
import type { Journal } from "./journal.js";
import { describeState, mismatch, readExisting, snapshotOf, stateOf } from "./observe.js";
import { OperationBook } from "./operation-book.js";
import { bindTarget, isDpdkDriver, planTransition, snapshotTarget } from "./plan-transaction.js";
import { preflight } from "./preflight.js";
import { findDrift } from "./recovery.js";
import { resolveDevice } from "./resolve-device.js";
import {
  type Boundary,
  resolveOpen,
  runTransaction,
  type TransactionDeps,
  type TransactionResult,
} from "./transaction.js";
import type {
  BindingTarget,
  DeviceHealth,
  DeviceSnapshot,
  DeviceState,
  OperationHeader,
  OperationKind,
  OperationView,
  Plan,
  ProgressEvent,
} from "./types.js";
import { WriteGate } from "./write-gate.js";

export interface DriverEngineDeps {
  sysfs: Sysfs;
  journal: Journal;
  holders: HolderScanner;
  routes: DefaultRouteReader;
  primary: PrimaryProvider;
  addresses: AddressProvider;
  /** `uname -r` of the kernel behind `sysfs`; null when unknown (treated as current). */
  kernelRelease: string | null;
  clock?: Clock;
  /** Test hook: awaited at every step boundary of every transaction. */
  boundary?: (operationId: string, at: Boundary) => void | Promise<void>;
}

export interface DriverEngineOptions {
  /** vendor:device ids managed besides ENA's 1d0f:ec20 and 1d0f:ec21, e.g. "8086:10d3". */
  allowedIds?: readonly string[];
  /** Drivers a request may name. Default vfio-pci, uio_pci_generic, igb_uio, ena. */
  allowedDrivers?: readonly string[];
  /**
   * Kernel driver per vendor:device, for restoring a device the journal never
   * saw under its kernel driver. ENA's ids map to "ena" unless overridden.
   */
  kernelDrivers?: Readonly<Record<string, string>>;
  /** Devices moving at once. Default 4. */
  maxParallel?: number;
  /** Deadline of one sysfs write. Default 30 000 ms. */
  writeTimeoutMs?: number;
  /** Sysfs writes that may hold a libuv thread at once (keep below UV_THREADPOOL_SIZE). Default 8. */
  maxBlockingWrites?: number;
  /** How long verification waits for the target (a netdev registers after its probe). Default 10 000 ms. */
  verifyTimeoutMs?: number;
  verifyPollMs?: number;
  /** Clear a driver_override no journal entry explains, at recovery. Default false: report only. */
  repairDrift?: boolean;
  /** Finished operations kept by journal compaction. Default 500. */
  keepFinished?: number;
}

export interface BindOptions {
  /** Override the guards that may be overridden (never the vendor allowlist). */
  force?: boolean;
}

/** A successful operation. Failures throw AgentError with `operationId` set. */
export interface OperationResult {
  /** null for a no-op (the device already was there: nothing journaled). */
  operationId: string | null;
  device: PciAddress;
  status: "committed" | "noop";
  /** True when this request joined an identical one already running. */
  joined: boolean;
  state: DeviceState;
  overriddenGuards: GuardName[];
}

/** What a request would do, without doing it (--dry-run). */
export interface PlannedOperation {
  kind: OperationKind;
  device: PciAddress;
  snapshot: DeviceSnapshot;
  plan: Plan;
  noop: boolean;
  /** The device under its kernel driver (MAC, interface), carried by the operation. */
  home: DeviceSnapshot | null;
  overriddenGuards: GuardName[];
}

export interface DriftReport {
  device: PciAddress;
  override: string;
  driver: string | null;
  repaired: boolean;
}

export interface RecoveryReport {
  problems: { line: number; kind: string; detail: string }[];
  resolved: { operationId: string; device: PciAddress; status: string }[];
  drift: DriftReport[];
  degraded: PciAddress[];
}

const ENA_KERNEL_DRIVERS = { "1d0f:ec20": "ena", "1d0f:ec21": "ena" };

export class DriverEngine {
  readonly #deps: DriverEngineDeps;
  readonly #clock: Clock;
  readonly #book: OperationBook;
  readonly #locks: DeviceLocks;
  readonly #tx: TransactionDeps;
  readonly #allowedIds: readonly string[];
  readonly #allowedDrivers: readonly string[];
  readonly #kernelDrivers: Readonly<Record<string, string>>;
  readonly #options: Required<Pick<DriverEngineOptions, "repairDrift" | "keepFinished">>;
  readonly #listeners = new Set<(event: ProgressEvent) => void>();
  readonly #background = new Set<Promise<unknown>>();
  #ready = false;

  constructor(deps: DriverEngineDeps, options: DriverEngineOptions = {}) {
    this.#deps = deps;
    this.#clock = deps.clock ?? realClock;
    this.#book = new OperationBook(deps.journal, this.#clock);
    this.#locks = new DeviceLocks({ maxParallel: options.maxParallel ?? 4 });
    this.#allowedIds = [...new Set([...DEFAULT_ALLOWED_IDS, ...(options.allowedIds ?? [])])];
    this.#allowedDrivers = options.allowedDrivers ?? DEFAULT_DRIVER_ALLOWLIST;
    this.#kernelDrivers = { ...ENA_KERNEL_DRIVERS, ...options.kernelDrivers };
    this.#options = {
      repairDrift: options.repairDrift ?? false,
      keepFinished: options.keepFinished ?? 500,
    };
    this.#tx = {
      sysfs: deps.sysfs,
      gate: new WriteGate(
        { sysfs: deps.sysfs, clock: this.#clock },
        { timeoutMs: options.writeTimeoutMs, maxInFlight: options.maxBlockingWrites },
      ),
      clock: this.#clock,
      book: this.#book,
      kernel: deps.kernelRelease === null ? null : parseKernelRelease(deps.kernelRelease),
      verify: { timeoutMs: options.verifyTimeoutMs ?? 10_000, pollMs: options.verifyPollMs ?? 50 },
      emit: (event) => this.#emit(event),
      boundary: deps.boundary,
    };
  }

  /** Progress of every operation, in order. Returns the unsubscribe function. */
  subscribe(listener: (event: ProgressEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: ProgressEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not fail an operation half-way.
      }
    }
  }

  /**
   * Resolves every unfinished operation (commit when the device verifiably
   * reached its target, else roll back to its snapshot), reports journal
   * problems and driver_override drift. Call once, before anything else.
   */
  async recover(): Promise<RecoveryReport> {
    const loaded = await this.#book.load(this.#options.keepFinished);
    const report: RecoveryReport = {
      problems: loaded.problems,
      resolved: [],
      drift: [],
      degraded: [],
    };
    // One at a time, in journal order: there is at most one open operation per device.
    for (const view of this.#book.unfinished()) {
      const { id, device, kind } = view.header;
      const status = await this.#locked(
        device,
        "recover",
        id,
        `recover ${kind}`,
        async (_, lease) => {
          const cause = new AgentError(
            "ABORTED",
            `operation ${id} was interrupted (agent restart)`,
            {
              device,
              operationId: id,
            },
          );
          return this.#settle(await resolveOpen(this.#tx, view.header, cause), lease).status;
        },
      );
      report.resolved.push({ operationId: id, device, status });
    }
    const drift = await findDrift(this.#deps.sysfs, this.#book, this.#allowedIds);
    for (const found of drift) {
      const repaired =
        this.#options.repairDrift &&
        (await this.#repairDrift(found.device).then(
          () => true,
          () => false,
        ));
      report.drift.push({ ...found, repaired });
    }
    report.degraded = this.degradedDevices();
    this.#ready = true;
    return report;
  }

  /** A PCI address, MAC or interface name → the device's PCI address. */
  resolve(input: string): Promise<PciAddress> {
    const homes = new Map<PciAddress, DeviceSnapshot>();
    for (const [device, view] of this.#book.devices()) {
      if (view.header.home !== null) homes.set(device, view.header.home);
    }
    return resolveDevice(this.#deps.sysfs, input, homes);
  }

  /** Plans a bind without writing anything: guards, preflight and the steps. */
  async planBind(
    input: string,
    driverInput: string,
    options: BindOptions = {},
  ): Promise<PlannedOperation> {
    const driver = parseDriverName(driverInput, this.#allowedDrivers);
    return this.#prepareBind(await this.resolve(input), driver, options.force ?? false);
  }

  async planRestore(input: string): Promise<PlannedOperation> {
    return this.#prepareRestore(await this.resolve(input));
  }

  /** Moves a device to `driver`. Binding to the driver it has is a no-op success. */
  async bind(
    input: string,
    driverInput: string,
    options: BindOptions = {},
  ): Promise<OperationResult> {
    this.#requireReady();
    const driver = parseDriverName(driverInput, this.#allowedDrivers);
    const device = await this.resolve(input);
    return this.#locked(
      device,
      `bind:${driver}`,
      newOperationId(),
      `bind to ${driver}`,
      (id, lease) =>
        this.#prepareBind(device, driver, options.force ?? false).then((planned) =>
          this.#execute(id, planned, driver, options.force ?? false, lease),
        ),
    );
  }

  /** Returns a device to its kernel driver with driver_override cleared. */
  async restore(input: string): Promise<OperationResult> {
    this.#requireReady();
    const device = await this.resolve(input);
    return this.#locked(device, "restore", newOperationId(), "restore", (id, lease) =>
      this.#prepareRestore(device).then((planned) =>
        this.#execute(id, planned, planned.plan.target.driver, false, lease),
      ),
    );
  }

  /**
   * Repairs a DEGRADED device: moves it to the snapshot of the operation
   * whose rollback failed. A healthy device is a no-op.
   */
  async repair(device: PciAddress): Promise<OperationResult> {
    this.#requireReady();
    return this.#locked(device, "repair", newOperationId(), "repair", async (id, lease) => {
      const latest = this.#book.latestFor(device);
      const current = await readExisting(this.#deps.sysfs, device);
      if (latest === undefined || this.#book.health(device) !== "degraded") {
        return noop(device, stateOf(current), []);
      }
      // A failed repair started from the degraded state: aim at what it aimed at.
      const target =
        latest.header.kind === "repair"
          ? latest.header.target
          : snapshotTarget(latest.header.snapshot);
      await preflight(current, target.driver, this.#deps);
      const planned = this.#planned("repair", current, target, latest.header.home, []);
      return this.#execute(id, planned, target.driver, false, lease);
    });
  }

  /** Every operation the journal knows, oldest first. */
  operations(): OperationView[] {
    return this.#book.list();
  }

  operation(id: string): OperationView | undefined {
    return this.#book.get(id);
  }

  health(device: PciAddress): DeviceHealth {
    return this.#book.health(device);
  }

  degradedDevices(): PciAddress[] {
    return [...this.#book.devices().keys()].filter((d) => this.#book.health(d) === "degraded");
  }

  /** The home snapshot (kernel driver, MAC, interface) the journal keeps for a device. */
  home(device: PciAddress): DeviceSnapshot | null {
    return this.#book.homeFor(device);
  }

  /** Resolves once no stuck write is waiting to be resolved (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  #requireReady(): void {
    if (!this.#ready) {
      throw new AgentError("UNAVAILABLE", "the driver engine is recovering unfinished operations", {
        remedy: "retry in a moment",
      });
    }
  }

  /** Runs `fn` under the device lock; identical requests join. */
  async #locked<T extends OperationResult | unknown>(
    device: PciAddress,
    key: string,
    operationId: string,
    label: string,
    fn: (operationId: string, lease: Lease) => Promise<T>,
  ): Promise<T> {
    const run = this.#locks.run(device, { key, operationId, label }, (lease) =>
      fn(operationId, lease),
    );
    const result = await run.promise;
    if (run.joined && isResult(result)) return { ...result, joined: true } as T;
    return result;
  }

  async #prepareBind(
    device: PciAddress,
    driver: PciDevice["driver"] & string,
    force: boolean,
  ): Promise<PlannedOperation> {
    const current = await readExisting(this.#deps.sysfs, device);
    const home = this.#homeOf(current);
    if (current.driver === driver)
      return this.#planned("bind", current, stateTarget(current), home, [], true);
    const takesFromKernel = current.interfaces.length > 0 && !isDpdkDriver(current.driver ?? "");
    const guards = await checkGuards(
      current,
      { allowedIds: this.#allowedIds, force, home, takesFromKernel },
      this.#deps,
    );
    await preflight(current, driver, this.#deps);
    return this.#planned("bind", current, bindTarget(driver, home), home, guards.overridden);
  }

  async #prepareRestore(device: PciAddress): Promise<PlannedOperation> {
    const current = await readExisting(this.#deps.sysfs, device);
    checkAllowlist(current, this.#allowedIds);
    const home = this.#homeOf(current);
    const id = `${current.vendor}:${current.device}`;
    const driver = home?.driver ?? this.#kernelDrivers[id] ?? null;
    if (driver === null) {
      throw new AgentError(
        "FAILED_PRECONDITION",
        `no record of the kernel driver of device ${device} (${id})`,
        {
          device,
          remedy: `name it in the configuration: "kernelDrivers": { "${id}": "<driver>" }`,
        },
      );
    }
    const kernelDriver = parseDriverName(driver, [driver]);
    // Under a netdev driver already, the interface it has is its own; from
    // DPDK, the interface must come back with the MAC it had.
    const mac = current.interfaces.length > 0 ? null : (home?.mac ?? null);
    const target: BindingTarget = { driver: kernelDriver, override: null, mac };
    if (mismatch(stateOf(current), target) === null) {
      return this.#planned("restore", current, target, home, [], true);
    }
    await preflight(current, kernelDriver, this.#deps);
    return this.#planned("restore", current, target, home, []);
  }

  #planned(
    kind: OperationKind,
    current: PciDevice,
    target: BindingTarget,
    home: DeviceSnapshot | null,
    overriddenGuards: GuardName[],
    noop = false,
  ): PlannedOperation {
    const snapshot = snapshotOf(current, this.#clock.isoNow());
    const from = { driver: current.driver, override: current.driverOverride };
    return {
      kind,
      device: current.address,
      snapshot,
      plan: planTransition(current.address, from, target),
      noop,
      home,
      overriddenGuards,
    };
  }

  /** The home snapshot a new operation carries: the device now, when its kernel netdev driver has it. */
  #homeOf(current: PciDevice): DeviceSnapshot | null {
    if (current.interfaces.length > 0 && !isDpdkDriver(current.driver ?? "")) {
      return snapshotOf(current, this.#clock.isoNow());
    }
    return this.#book.homeFor(current.address);
  }

  async #execute(
    operationId: string,
    planned: PlannedOperation,
    driver: BindingTarget["driver"],
    force: boolean,
    lease: Lease,
  ): Promise<OperationResult> {
    if (planned.noop) {
      const current = await readExisting(this.#deps.sysfs, planned.device);
      return noop(planned.device, stateOf(current), planned.overriddenGuards);
    }
    const header: OperationHeader = {
      id: operationId,
      kind: planned.kind,
      device: planned.device,
      driver,
      target: planned.plan.target,
      snapshot: planned.snapshot,
      home: planned.home,
      steps: planned.plan.steps,
      force,
      startedAt: this.#clock.isoNow(),
    };
    const result = this.#settle(await runTransaction(this.#tx, header), lease);
    switch (result.status) {
      case "committed":
        return {
          operationId,
          device: planned.device,
          status: "committed",
          joined: false,
          state: result.state,
          overriddenGuards: planned.overriddenGuards,
        };
      case "rolled_back":
        throw new AgentError(
          result.error.code,
          `${result.error.message}; rolled back: device ${planned.device} is as it was (${describeState(result.state)})`,
          { ...result.error.details(), operationId, cause: result.error },
        );
      default:
        throw result.error;
    }
  }

  /**
   * A stuck result keeps the device locked until its write returns and the
   * operation is resolved; the resolution is tracked, never left floating.
   */
  #settle(result: TransactionResult, lease: Lease): TransactionResult {
    if (result.status !== "stuck") return result;
    lease.hold(`has a write blocked in the kernel since ${this.#clock.isoNow()}`);
    const settled: Promise<void> = result.settled
      .then((resolved) => {
        if (this.#settle(resolved, lease).status !== "stuck") lease.release();
      })
      .catch(() => lease.release())
      .finally(() => this.#background.delete(settled));
    this.#background.add(settled);
    return result;
  }

  async #repairDrift(device: PciAddress): Promise<OperationResult> {
    return this.#locked(
      device,
      "drift",
      newOperationId(),
      "clear driver_override drift",
      async (id, lease) => {
        const current = await readExisting(this.#deps.sysfs, device);
        const target: BindingTarget = { driver: current.driver, override: null, mac: null };
        const planned = this.#planned("drift", current, target, this.#book.homeFor(device), []);
        return this.#execute(id, planned, current.driver, false, lease);
      },
    );
  }
}

function stateTarget(current: PciDevice): BindingTarget {
  return { driver: current.driver, override: current.driverOverride, mac: null };
}

function noop(
  device: PciAddress,
  state: DeviceState,
  overriddenGuards: GuardName[],
): OperationResult {
  return { operationId: null, device, status: "noop", joined: false, state, overriddenGuards };
}

function isResult(value: unknown): value is OperationResult {
  return typeof value === "object" && value !== null && "status" in value && "device" in value;
}

function newOperationId(): string {
  return `op-${randomUUID()}`;
}
