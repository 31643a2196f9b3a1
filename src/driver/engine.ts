/**
 * The driver engine: the one object the daemon (and the offline CLI) uses to
 * move devices between drivers. It owns no timer or socket; its only
 * long-lived work is resolving writes that got stuck, which `idle()` awaits.
 *
 * Order of use: construct → `recover()` (resolves every unfinished operation
 * and reports drift; bind/restore refuse with UNAVAILABLE before it) → bind /
 * restore / repair / deviceAdded / applyDesired.
 */
import { randomUUID } from "node:crypto";
import { parseConfirmWindow } from "../common/confirm-window.js";
import { AgentError, type DriverName, isAgentError, type PciAddress } from "../common/index.js";
import {
  DEFAULT_DRIVER_ALLOWLIST,
  type DeviceHolder,
  ENA_IDS,
  ENA_KERNEL_DRIVER,
  managedIds,
  parseDriverName,
  type Sysfs,
} from "../sysfs/index.js";
import { type Clock, realClock } from "./clock.js";
import { Confirmations, type PendingConfirmation } from "./confirmations.js";
import { type DesiredApplied, DesiredState } from "./desired-state.js";
import { DeviceLocks, type Lease } from "./device-locks.js";
import { parseKernelRelease } from "./diagnose.js";
import type {
  BindOptions,
  DriverEngineDeps,
  DriverEngineOptions,
  RecoveryReport,
  RequestOptions,
} from "./engine-options.js";
import type { GuardName } from "./guards.js";
import type { JournalLoad } from "./journal.js";
import { describeState, readExisting, stateOf } from "./observe.js";
import { type JournalIssues, OperationBook } from "./operation-book.js";
import {
  type PlannedOperation,
  type PrepareContext,
  prepareBind,
  prepareDriftRepair,
  prepareRepair,
  prepareRestore,
} from "./prepare-operation.js";
import { findDrift } from "./recovery.js";
import { resolveDevice } from "./resolve-device.js";
import {
  emitConfirmation,
  type Refused,
  recoverOpen,
  runTransaction,
  summarize,
  type TransactionDeps,
  type TransactionResult,
} from "./transaction.js";
import type {
  ConfirmedBy,
  DeviceHealth,
  DeviceSnapshot,
  DeviceState,
  OperationHeader,
  OperationRequest,
  OperationResult,
  OperationView,
  ProgressEvent,
} from "./types.js";
import { WriteGate } from "./write-gate.js";

export class DriverEngine {
  readonly #sysfs: Sysfs;
  readonly #clock: Clock;
  readonly #book: OperationBook;
  readonly #locks: DeviceLocks;
  readonly #tx: TransactionDeps;
  readonly #prepare: PrepareContext;
  readonly #desired: DesiredState;
  readonly #confirmations: Confirmations;
  readonly #holders: DriverEngineDeps["holders"];
  readonly #allowedDrivers: readonly string[];
  readonly #repairDrift: boolean;
  readonly #keepFinished: number;
  readonly #listeners = new Set<(event: ProgressEvent) => void>();
  readonly #background = new Set<Promise<unknown>>();
  #ready = false;

  constructor(deps: DriverEngineDeps, options: DriverEngineOptions = {}) {
    this.#sysfs = deps.sysfs;
    this.#clock = deps.clock ?? realClock;
    this.#book = new OperationBook(deps.journal, this.#clock);
    this.#confirmations = new Confirmations(this.#book, this.#clock);
    this.#holders = deps.holders;
    this.#locks = new DeviceLocks({ maxParallel: options.maxParallel ?? 4 });
    this.#allowedDrivers = options.allowedDrivers ?? DEFAULT_DRIVER_ALLOWLIST;
    this.#repairDrift = options.repairDrift ?? false;
    this.#keepFinished = options.keepFinished ?? 500;
    this.#prepare = {
      ...deps,
      book: this.#book,
      clock: this.#clock,
      allowedIds: managedIds(options.allowedIds ?? []),
      kernelDrivers: {
        ...Object.fromEntries(ENA_IDS.map((id) => [id, ENA_KERNEL_DRIVER])),
        ...options.kernelDrivers,
      },
      holderScanTimeoutMs: options.holderScanTimeoutMs ?? 2_000,
    };
    this.#tx = {
      sysfs: deps.sysfs,
      allowedIds: this.#prepare.allowedIds,
      guards: deps,
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
    this.#desired = new DesiredState(
      { store: deps.desired, eniMac: deps.eniMac },
      { declared: options.desiredBindings ?? [], allowedDrivers: this.#allowedDrivers },
    );
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
   * Start-up: closes as superseded every open operation that a later one on
   * its device followed (journaled, never resolved), resolves the last open
   * operation of each device (commit when it verifiably reached its target,
   * else roll back to its snapshot, unless a re-checked guard refuses: then
   * it stays open and is reported), reports journal problems and
   * driver_override drift. Call once, before anything else. One bad record
   * or device never stops it.
   */
  async recover(): Promise<RecoveryReport> {
    const loaded = await this.#book.load();
    const report: RecoveryReport = {
      problems: loaded.problems,
      resolved: [],
      refused: [],
      drift: [],
      degraded: [],
      reverted: [],
    };
    for (const view of this.#book.list()) {
      if (view.status !== "superseded" || view.endedAt !== null) continue;
      await this.#book.end(view.header.id, "superseded", null, view.error);
      report.resolved.push({
        operationId: view.header.id,
        device: view.header.device,
        status: "superseded",
      });
    }
    // One at a time, in journal order: each device has at most one open operation now.
    for (const view of this.#book.unfinished()) {
      const outcome = await this.#recoverOne(view.header);
      if (outcome.status === "refused") {
        const error = summarize(outcome.error);
        this.#book.refuse(view.header.id, error);
        report.refused.push({
          operationId: view.header.id,
          device: view.header.device,
          guard: outcome.error.guard ?? null,
          message: error.message,
        });
      } else {
        report.resolved.push({
          operationId: view.header.id,
          device: view.header.device,
          status: outcome.status,
        });
      }
    }
    for (const pending of this.#confirmations.pending()) {
      if (pending.remainingMs > 0) continue;
      report.reverted.push(await this.#revertAtStart(pending));
    }
    await this.#book.compact(this.#keepFinished);
    for (const found of await findDrift(this.#sysfs, this.#book, this.#prepare.allowedIds)) {
      const repaired =
        this.#repairDrift &&
        (await this.#run(
          found.device,
          "drift",
          "clear driver_override drift",
          () => prepareDriftRepair(this.#prepare, found.device),
          AGENT_REQUEST,
        ).then(
          () => true,
          () => false,
        ));
      report.drift.push({ ...found, repaired });
    }
    report.degraded = this.degradedDevices();
    this.#ready = true;
    return report;
  }

  /** One open operation; a failure to read or write its device leaves it open, reported, never stops start-up. */
  async #recoverOne(header: OperationHeader): Promise<TransactionResult | Refused> {
    const { id, device, kind } = header;
    try {
      return await this.#locked(device, "recover", id, `recover ${kind}`, async (_, lease) => {
        const cause = new AgentError("ABORTED", `operation ${id} was interrupted (agent restart)`, {
          device,
          operationId: id,
        });
        const outcome = await recoverOpen(this.#tx, header, cause);
        return outcome.status === "refused" ? outcome : this.#settle(outcome, lease);
      });
    } catch (err) {
      if (!isAgentError(err)) throw err;
      return { status: "refused", error: err };
    }
  }

  /** A bind on trial found past its deadline at start-up: reverted before anything else runs. */
  async #revertAtStart(pending: PendingConfirmation): Promise<RecoveryReport["reverted"][number]> {
    const { operationId, device } = pending;
    try {
      const done = await this.#revert(operationId);
      return { operationId, device, revertOperationId: done?.operationId ?? null, error: null };
    } catch (err) {
      if (!isAgentError(err)) throw err;
      return {
        operationId,
        device,
        revertOperationId: err.operationId ?? null,
        error: err.message,
      };
    }
  }

  /** What is wrong with the journal now: skipped records, unwritten end records, refused recoveries. */
  journalIssues(): JournalIssues {
    return this.#book.issues();
  }

  /**
   * Writes the end records the journal refused (the reconciler calls this
   * with backoff). True when none is left.
   */
  flushJournal(): Promise<boolean> {
    return this.#book.flush();
  }

  /**
   * Reads the journal without resolving or rewriting anything, for
   * read-only use (--dry-run): plans then see the devices' home snapshots.
   * bind/restore still require recover().
   */
  async inspect(): Promise<JournalLoad> {
    return this.#book.load();
  }

  /**
   * A PCI address, MAC or interface name → the device's PCI address. For
   * the edges (API, CLI): every other method takes the address they resolved.
   */
  resolve(input: string): Promise<PciAddress> {
    return resolveDevice(this.#sysfs, input, this.#homes());
  }

  /** A driver name → the name, when it is in this engine's allowlist (for the edges). */
  parseDriver(name: string): DriverName {
    return parseDriverName(name, this.#allowedDrivers);
  }

  /** Plans a bind without writing anything: guards, preflight and the steps. */
  async planBind(
    device: PciAddress,
    driver: DriverName,
    options: BindOptions = {},
  ): Promise<PlannedOperation> {
    return prepareBind(this.#prepare, device, driver, options.force ?? false);
  }

  async planRestore(device: PciAddress, options: RequestOptions = {}): Promise<PlannedOperation> {
    return prepareRestore(this.#prepare, device, options.force ?? false);
  }

  /**
   * Moves a device to `driver`, a name the edge parsed against its
   * allowlist. Binding to the driver it has is a no-op success.
   */
  async bind(
    device: PciAddress,
    driver: DriverName,
    options: BindOptions = {},
  ): Promise<OperationResult> {
    this.#requireReady();
    const trial = options.confirmWithinMs;
    if (trial !== undefined && options.persist === true) {
      // A persisted binding would be applied again after the revert (at start, on hot-attach).
      throw new AgentError(
        "INVALID_ARGUMENT",
        "a bind on trial cannot be persisted: persist it once it is confirmed",
        { device, remedy: "bind without persist, confirm it, then bind again with persist" },
      );
    }
    return this.#run(
      device,
      trial === undefined ? `bind:${driver}` : `bind:${driver}:try:${trial}`,
      trial === undefined ? `bind to ${driver}` : `bind to ${driver} on trial`,
      () => prepareBind(this.#prepare, device, driver, options.force ?? false),
      requestOf(options, options.kind === "reapply"),
      options.persist ? { driver } : null,
      trial === undefined ? {} : { confirmWithinMs: parseConfirmWindow(trial) },
    );
  }

  /**
   * Makes a bind on trial final. Idempotent (an operation confirmed already
   * is OK). NOT_FOUND for an unknown operation; FAILED_PRECONDITION when it
   * awaits no confirmation (reverted, past its deadline, ended by a later
   * operation, never on trial); UNAVAILABLE when the journal refuses.
   */
  async confirm(operationId: string, by: ConfirmedBy = "request"): Promise<OperationView> {
    this.#requireReady();
    return this.#confirmations.confirm(operationId, by, (view) => emitConfirmation(this.#tx, view));
  }

  /** Binds on trial that await confirmation, oldest first. */
  pendingConfirmations(): PendingConfirmation[] {
    return this.#confirmations.pending();
  }

  /**
   * Reverts a bind on trial whose deadline has passed unconfirmed: the
   * same verified transaction as restore, journaled as the revert of
   * `operationId`. Null when there is nothing to revert (confirmed, not
   * due, ended by a later operation, or being reverted already). Throws
   * like restore when the revert cannot run (e.g. a process holds the
   * device): the bind then still awaits, and a later call retries.
   */
  async revertUnconfirmed(operationId: string): Promise<OperationResult | null> {
    this.#requireReady();
    return this.#revert(operationId);
  }

  async #revert(operationId: string): Promise<OperationResult | null> {
    if (!this.#confirmations.claimRevert(operationId)) return null;
    const device = this.#book.get(operationId)?.header.device;
    if (device === undefined) return null;
    try {
      return await this.#run(
        device,
        `revert:${operationId}`,
        `revert unconfirmed ${operationId}`,
        async () => {
          // Under the lock: an operation that ran while this one waited for it ended the wait.
          if (this.#book.latestFor(device)?.header.id !== operationId) return null;
          // Journaled even when the device is home already: the begin record ends the wait.
          return { ...(await prepareRestore(this.#prepare, device, false)), noop: false };
        },
        // The agent reverts on its own at the deadline; `reverts` names the bind it ends.
        AGENT_REQUEST,
        null,
        { reverts: operationId },
      );
    } finally {
      this.#confirmations.release(operationId);
    }
  }

  /** Processes holding the device's DPDK node now (the auto-confirm probe). */
  async holders(device: PciAddress): Promise<DeviceHolder[]> {
    const current = await readExisting(this.#sysfs, device);
    return current.devNode === null ? [] : this.#holders.holders([current.devNode]);
  }

  /** Returns a device to its kernel driver with driver_override cleared. */
  async restore(device: PciAddress, options: RequestOptions = {}): Promise<OperationResult> {
    this.#requireReady();
    return this.#run(
      device,
      "restore",
      "restore",
      () => prepareRestore(this.#prepare, device, options.force ?? false),
      requestOf(options, false),
      options.persist ? { driver: null } : null,
    );
  }

  /** Repairs a DEGRADED device (the reconciler calls this). A healthy device is a no-op. */
  async repair(device: PciAddress): Promise<OperationResult> {
    this.#requireReady();
    return this.#run(
      device,
      "repair",
      "repair",
      () => prepareRepair(this.#prepare, device),
      AGENT_REQUEST,
    );
  }

  /**
   * A device appeared (hot-attach): applies the desired binding that names
   * its MAC or ENI, if any. Returns null when none applies.
   */
  async deviceAdded(device: PciAddress): Promise<OperationResult | null> {
    this.#requireReady();
    const current = await readExisting(this.#sysfs, device);
    const mac =
      current.interfaces.find((n) => n.mac !== null)?.mac ??
      this.#book.homeFor(device)?.mac ??
      null;
    const binding = mac === null ? null : await this.#desired.forMac(mac);
    if (binding === null) return null;
    return this.bind(device, binding.driver, { kind: "reapply" });
  }

  /** Applies every desired binding (start-up). One failure does not stop the others. */
  async applyDesired(): Promise<DesiredApplied[]> {
    this.#requireReady();
    return this.#desired.apply(
      (mac) => this.resolve(mac),
      (device, driver) => this.bind(device, driver, { kind: "reapply" }),
    );
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

  #homes(): Map<PciAddress, DeviceSnapshot> {
    const homes = new Map<PciAddress, DeviceSnapshot>();
    for (const [device, view] of this.#book.devices()) {
      if (view.header.home !== null) homes.set(device, view.header.home);
    }
    return homes;
  }

  /** Runs `fn` under the device lock; identical requests (same key) join the running one. */
  async #locked<T>(
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
    if (!run.joined) return result;
    return { ...(result as OperationResult), joined: true } as T;
  }

  /**
   * Prepares under the lock (so the snapshot is current), executes, and
   * stores the desired binding (`persist`) before the lock is released: a
   * later operation on the device then persists after this one, never
   * before. A request with persist joins only one with persist too.
   */
  #run(
    device: PciAddress,
    key: string,
    label: string,
    prepare: () => Promise<PlannedOperation | null>,
    request: OperationRequest,
    persist: { driver: DriverName | null } | null = null,
    trial: Pick<OperationHeader, "confirmWithinMs" | "reverts"> = {},
  ): Promise<OperationResult> {
    const lockKey = persist === null ? key : `${key}+persist`;
    return this.#locked(device, lockKey, `op-${randomUUID()}`, label, async (id, lease) => {
      const planned = await prepare();
      let done: OperationResult;
      if (planned === null) {
        const current = await readExisting(this.#sysfs, device);
        done = result(null, device, stateOf(current), []);
      } else if (planned.noop) {
        done = result(null, device, planned.state, planned.overriddenGuards);
      } else {
        done = await this.#execute(id, planned, request, lease, trial);
      }
      done.warnings.unshift(...(planned?.warnings ?? []));
      if (persist !== null) {
        await this.#desired.persist(done, persist.driver, this.#book.homeFor(device)?.mac ?? null);
      }
      return done;
    });
  }

  async #execute(
    operationId: string,
    planned: PlannedOperation,
    request: OperationRequest,
    lease: Lease,
    trial: Pick<OperationHeader, "confirmWithinMs" | "reverts">,
  ): Promise<OperationResult> {
    const header: OperationHeader = {
      ...trial,
      id: operationId,
      kind: planned.kind,
      device: planned.device,
      driver: planned.plan.target.driver,
      target: planned.plan.target,
      snapshot: planned.snapshot,
      home: planned.home,
      steps: planned.plan.steps,
      force: planned.overriddenGuards.length > 0,
      ...(planned.overriddenGuards.length > 0
        ? { overriddenGuards: planned.overriddenGuards }
        : {}),
      startedAt: this.#clock.isoNow(),
      request,
    };
    const outcome = this.#settle(await runTransaction(this.#tx, header, planned.ids), lease);
    switch (outcome.status) {
      case "committed": {
        const done = result(
          this.#book.get(operationId) ?? null,
          planned.device,
          outcome.state,
          planned.overriddenGuards,
        );
        const unwritten = this.#book.issues().unwritten.find((u) => u.operationId === operationId);
        if (unwritten !== undefined) {
          done.warnings.push(
            `the journal's end record of ${operationId} was not written (${unwritten.error}); the agent retries it and reports the journal unhealthy until then`,
          );
        }
        return done;
      }
      case "rolled_back":
        throw new AgentError(
          outcome.error.code,
          `${outcome.error.message}; rolled back: device ${planned.device} is as it was (${describeState(outcome.state)})`,
          { ...outcome.error.details(), operationId, cause: outcome.error },
        );
      default:
        throw outcome.error;
    }
  }

  /**
   * A stuck result keeps the device locked until its write returns and the
   * operation is resolved; the resolution is tracked, never left floating.
   */
  #settle(outcome: TransactionResult, lease: Lease): TransactionResult {
    if (outcome.status !== "stuck") return outcome;
    lease.hold(`has a write blocked in the kernel since ${this.#clock.isoNow()}`);
    const settled: Promise<void> = outcome.settled
      .then((resolved) => {
        if (this.#settle(resolved, lease).status !== "stuck") lease.release();
      })
      .catch(() => lease.release())
      .finally(() => this.#background.delete(settled));
    this.#background.add(settled);
    return outcome;
  }
}

/** A committed operation's result, or a no-op's (`operation` null). */
function result(
  operation: OperationView | null,
  device: PciAddress,
  state: DeviceState,
  overriddenGuards: GuardName[],
): OperationResult {
  return {
    operationId: operation?.header.id ?? null,
    operation,
    device,
    status: operation === null ? "noop" : "committed",
    joined: false,
    state,
    overriddenGuards,
    warnings: [],
    confirmBy: operation?.confirmation?.deadline ?? null,
  };
}

/** An operation the agent starts on its own (repair, drift). */
const AGENT_REQUEST: OperationRequest = { requestedBy: null, persist: false, reapply: false };

function requestOf(options: RequestOptions, reapply: boolean): OperationRequest {
  return {
    requestedBy: options.requestedBy ?? null,
    persist: options.persist ?? false,
    reapply,
  };
}
