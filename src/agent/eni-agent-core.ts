/**
 * The AgentCore the gRPC edge serves, on top of the driver engine, the
 * device inventory, IMDS identity and the termination runner. It owns no
 * timer or socket: the jobs that feed it (device watcher, IMDS pollers) are
 * wired by the composition root, which calls `deviceChanges`, `notice` and
 * `refreshHealth`.
 *
 * Work it starts on its own (hot-attach, desired bindings, termination
 * plans) and every mutating call is tracked, so `drain()` can wait for all
 * of it: a stop never abandons a transaction half-way.
 */
import { randomUUID } from "node:crypto";
import type { TerminationNotice as AwsNotice, WatcherHealth } from "../aws/index.js";
import {
  AgentError,
  type DriverName,
  type EniId,
  isAgentError,
  type PciAddress,
  toAgentError,
} from "../common/index.js";
import type { DriverEngine, PlannedOperation, RecoveryReport } from "../driver/index.js";
import type { AgentCore, CallContext } from "../server/agent-core.js";
import type {
  AgentEvent,
  AgentEventPayload,
  BindRequest,
  DeviceList,
  DeviceRecord,
  DeviceSelector,
  HealthReport,
  OperationPage,
  OperationQuery,
  OperationRecord,
  RestoreRequest,
  TerminationResult,
} from "../server/core-types.js";
import type { HostReport } from "../server/host-report.js";
import { isUserSpaceDriver, readKernelFacts } from "../sysfs/index.js";
import { computeHealth, type MonitoredJournal, STARTUP_COMPONENT } from "./agent-health.js";
import type { AgentLog } from "./agent-log.js";
import type { AgentMetrics } from "./agent-metrics.js";
import { AGENT_VERSION } from "./agent-version.js";
import { announceConfirmation } from "./announce-confirmation.js";
import { buildHostReport } from "./build-host-report.js";
import type { AgentConfig } from "./config-schema.js";
import { DeviceChangeHandler } from "./device-change-handler.js";
import { DeviceListing, type DeviceListingDeps } from "./device-listing.js";
import type { DeviceChange } from "./device-watcher.js";
import { EventHub } from "./event-hub.js";
import type { PoolGuard } from "./kubelet-pools.js";
import {
  noopRecord,
  OperationRecords,
  plannedRecord,
  type RequestMeta,
} from "./operation-records.js";
import { guardPodDevice } from "./pod-device-guard.js";
import type { PlannerHooks, TerminationPlanner } from "./release-plan-runner.js";
import { toCoreNotice } from "./to-core-notice.js";
import { TrackedWork } from "./tracked-work.js";

/** What the listing needs (but `active`, which the core provides), and more. */
export interface CoreDeps extends Omit<DeviceListingDeps, "active"> {
  journal: MonitoredJournal;
  kernelRelease: string;
  /** Where IMDS is asked, for the host report. */
  imdsEndpoint: () => string;
  /** The termination watcher's health; null when IMDS is disabled. */
  watcher: () => WatcherHealth | null;
  /** Builds the termination plan. */
  planner: (hooks: PlannerHooks) => TerminationPlanner;
  /**
   * After a device is bound to a DPDK driver: marks its owned ENI
   * DeleteOnTermination when `ec2.deleteOnTerminationOnBind` is on. Absent: nothing.
   */
  protectEni?: (eniId: EniId) => Promise<void>;
  metrics: AgentMetrics | null;
  log: AgentLog;
  /** The configuration in effect (changes on reload). */
  config: () => AgentConfig;
  /** A bug in background work: the daemon stops (see AgentDeps.shutdown). */
  fatal: (error: AgentError) => void;
  /** kubelet's device plugin, when it runs: asked before a device leaves its DPDK driver. */
  pools?: () => PoolGuard | null;
}

export class EniAgentCore implements AgentCore {
  readonly #deps: CoreDeps;
  readonly #hub = new EventHub();
  readonly #records: OperationRecords;
  readonly #devices: DeviceListing;
  readonly #runner: TerminationPlanner;
  readonly #work: TrackedWork;
  readonly #changes: DeviceChangeHandler;
  /** Aborted when a stop's drain runs out of time: plans pause, journaled, for the next start. */
  readonly #plans = new AbortController();
  #recovered = false;
  /** The start-up pass over the desired bindings ended (each applied, or failed and logged). */
  #bootBindingsDone = false;
  #stopping = false;
  #configError: string | null = null;
  #health: HealthReport;
  #healthKey = "";

  constructor(deps: CoreDeps) {
    this.#deps = deps;
    // Work nobody awaits: an AgentError is logged (the next event or round
    // retries); anything else is a bug and stops the daemon rather than vanish.
    this.#work = new TrackedWork((err) => {
      if (isAgentError(err)) deps.log.warn({ err }, "background work failed");
      else deps.fatal(toAgentError(err));
    });
    this.#records = new OperationRecords(deps.engine);
    this.#devices = new DeviceListing({
      ...deps,
      active: (device) => this.#records.active(device),
    });
    // Every event says something a listing shows may have changed.
    this.#hub.subscribe(() => this.#devices.invalidate());
    deps.engine.subscribe((event) => {
      deps.metrics?.observe(event);
      if (event.type === "confirmation") {
        announceConfirmation(event, {
          log: deps.log,
          emit: (payload) => this.#hub.emit(payload),
          statusOf: (id) => this.#records.get(id)?.status,
          invalidate: () => this.#devices.invalidate(),
        });
        return;
      }
      const id = this.#records.observe(event);
      const record = this.#records.get(id);
      if (record === undefined) return;
      const done = event.type === "end" && event.status !== "stuck";
      this.#hub.emit({ kind: done ? "operation_result" : "operation_progress", operation: record });
    });
    const hooks: PlannerHooks = {
      // The plan needs drivers and identities; each restore checks holders itself.
      devices: async () => {
        const now = await this.#devices.scanWithoutHolders();
        // A plan made before IMDS named a bound device's ENI reads it once more
        // (joining a refresh in flight), so the plan and its events name the ENI.
        if (!now.some((d) => d.state !== "kernel" && d.identity.eniId === null)) return now;
        await deps.identity.refresh();
        return this.#devices.scanWithoutHolders();
      },
      restore: async (device) => {
        // Kubelet's pools turn Unhealthy before any device of a plan is taken back.
        const unmark = this.#terminating();
        try {
          await deps.engine.restore(device, { requestedBy: "termination" });
        } finally {
          unmark();
        }
      },
      emit: (payload) => this.#hub.emit(payload),
      remember: (record) => this.#records.remember(record),
      finished: (ms, ok) =>
        deps.metrics?.terminationPlanSeconds.observe({ result: ok ? "ok" : "failed" }, ms / 1000),
    };
    this.#runner = deps.planner(hooks);
    this.#changes = new DeviceChangeHandler({
      log: deps.log,
      emit: (payload) => this.#hub.emit(payload),
      record: (device) => this.#devices.record(device),
      recentOperation: (device) =>
        this.#records.recent(device, deps.config().deviceWatch.pollIntervalMs),
      refreshIdentity: () => deps.identity.refresh(),
      mayBind: () => this.mayBind(),
      applyDesired: (device) => deps.engine.deviceAdded(device),
      applied: (device, driver) => this.#protectIfDpdk(device, driver),
      driftFound: () => deps.metrics?.drift.inc(),
    });
    this.#health = this.#computeHealth();
  }

  // --- AgentCore -------------------------------------------------------------

  async listDevices(request: { fresh: boolean }, _ctx: CallContext): Promise<DeviceList> {
    return this.#devices.list(request);
  }

  async getDevice(selector: DeviceSelector, _ctx: CallContext): Promise<DeviceRecord> {
    return this.#devices.get(selector);
  }

  bindDevice(request: BindRequest, ctx: CallContext): Promise<OperationRecord> {
    const { engine } = this.#deps;
    const trial =
      request.confirmWithinMs === null ? {} : { confirmWithinMs: request.confirmWithinMs };
    return this.#move("bind", request, request.driver, ctx, {
      plan: (device, meta) => engine.planBind(device, request.driver, meta),
      run: async (device, meta) => {
        const result = await engine.bind(device, request.driver, { ...meta, ...trial });
        this.#protect(device);
        return result;
      },
    });
  }

  restoreDevice(request: RestoreRequest, ctx: CallContext): Promise<OperationRecord> {
    const { engine } = this.#deps;
    return this.#move("restore", request, null, ctx, {
      plan: (device, meta) => engine.planRestore(device, meta),
      run: (device, meta) => engine.restore(device, meta),
    });
  }

  /**
   * A bind or restore: resolved to a device, past the pod guard (a device a
   * container holds is not moved without force), then planned (dry run) or
   * run, the device withdrawn from kubelet's pool meanwhile.
   */
  async #move(
    kind: "bind" | "restore",
    request: BindRequest | RestoreRequest,
    driver: DriverName | null,
    ctx: CallContext,
    engine: {
      plan(device: PciAddress, meta: RequestMeta): Promise<PlannedOperation>;
      run(device: PciAddress, meta: RequestMeta): ReturnType<DriverEngine["bind"]>;
    },
  ): Promise<OperationRecord> {
    this.#refuseWhenClosing(ctx);
    const device = await this.#devices.resolve(request.selector);
    const release = await this.#podGuard(device, driver, request);
    try {
      const meta = this.#meta(request, ctx);
      if (request.dryRun) {
        const planned = await engine.plan(device, meta);
        return this.#remember(plannedRecord(`plan-${randomUUID()}`, planned, meta));
      }
      ctx.signal.throwIfAborted();
      return await this.#mutate(kind, meta, () => engine.run(device, meta));
    } finally {
      release();
    }
  }

  async confirmOperation(operationId: string, ctx: CallContext): Promise<OperationRecord> {
    ctx.signal.throwIfAborted();
    await this.#work.track(this.#deps.engine.confirm(operationId, "request"));
    return this.getOperation(operationId, ctx);
  }

  async getOperation(operationId: string, _ctx: CallContext): Promise<OperationRecord> {
    const record = this.#records.get(operationId);
    if (record === undefined) {
      throw new AgentError("NOT_FOUND", `no operation ${operationId}`, { operationId });
    }
    return record;
  }

  async listOperations(query: OperationQuery, _ctx: CallContext): Promise<OperationPage> {
    return this.#records.page(query);
  }

  subscribeEvents(listener: (event: AgentEvent) => void): () => void {
    return this.#hub.subscribe(listener);
  }

  async getHostReport(_ctx: CallContext): Promise<HostReport> {
    const deps = this.#deps;
    const [facts, list] = await Promise.all([
      readKernelFacts(deps.sysfs),
      this.#devices.list({ fresh: true }),
    ]);
    const config = deps.config();
    const unresolved = deps.engine
      .operations()
      .filter((o) => o.status === "running" || o.status === "stuck").length;
    const journal = this.health().components.find((c) => c.name === "journal");
    return buildHostReport({
      agentVersion: AGENT_VERSION,
      kernelRelease: deps.kernelRelease,
      facts,
      devices: list.devices,
      allowedDrivers: config.allowedDrivers,
      imds: { ...deps.identity.status(), endpoint: deps.imdsEndpoint() },
      instance: deps.identity.instance(),
      watcher: deps.watcher(),
      pendingNotice: this.#runner.pendingNotice(),
      journal: {
        healthy: journal?.healthy ?? false,
        directory: config.stateDir,
        unresolvedEntries: unresolved,
        detail: journal?.detail || deps.journal.description,
      },
      health: this.health(),
    });
  }

  async prepareTermination(
    request: { dryRun: boolean },
    ctx: CallContext,
  ): Promise<TerminationResult> {
    // No "terminating" refusal here: a manual request after a notice runs
    // the plan again, which finds nothing left to do or finishes what failed.
    if (this.#stopping && !request.dryRun) {
      throw new AgentError("UNAVAILABLE", "eni-agent is stopping", {
        remedy: "retry after it restarted",
      });
    }
    ctx.signal.throwIfAborted();
    const unmark = request.dryRun ? () => {} : this.#terminating();
    return this.#work
      .track(
        // The plan's signal, not the call's: a client that hangs up must not pause it.
        this.#runner.run(null, {
          dryRun: request.dryRun,
          requestedBy: ctx.caller.identity,
          signal: this.#plans.signal,
        }),
      )
      .finally(unmark);
  }

  health(): HealthReport {
    return this.#health;
  }

  /** Sends an event to every WatchEvents subscriber (the contract's phase changes). */
  publish(payload: AgentEventPayload): void {
    this.#hub.emit(payload);
  }

  /** False while stopping or terminating: no new binding then (hot-attach, intents). */
  mayBind(): boolean {
    return !this.#stopping && this.#runner.pendingNotice() === null;
  }

  // --- for the composition root -----------------------------------------------

  /** The device listing (ListDevices without a call): kept, or scanned now when `fresh`. */
  deviceList(fresh: boolean): Promise<DeviceList> {
    return this.#devices.list({ fresh });
  }

  /** Resolves unfinished operations; reports drift. The listeners start after this. */
  async recover(): Promise<RecoveryReport> {
    const report = await this.#deps.engine.recover();
    const { log } = this.#deps;
    for (const p of report.problems) log.warn({ ...p }, "journal problem (skipped)");
    for (const r of report.resolved) {
      log.info({ op: r.operationId, device: r.device, status: r.status }, "recovered operation");
    }
    for (const r of report.refused) {
      log.error(
        { op: r.operationId, device: r.device, guard: r.guard, reason: r.message },
        "operation left open: recovery refused to act on it",
      );
    }
    for (const r of report.reverted) {
      const fields = { op: r.operationId, device: r.device, revert: r.revertOperationId };
      if (r.error === null)
        log.warn(fields, "bind on trial past its deadline at start-up: reverted");
      else
        log.error({ ...fields, reason: r.error }, "bind on trial past its deadline: revert failed");
    }
    for (const d of report.drift) {
      this.#deps.metrics?.drift.inc();
      log.warn({ device: d.device, override: d.override, repaired: d.repaired }, "drift found");
      this.#hub.emit({
        kind: "drift_found",
        pciAddress: d.device,
        expectedDriver: (d.driver ?? d.override) as DriverName,
        actualDriver: d.driver as DriverName | null,
        detail: `driver_override "${d.override}" is not explained by the journal${d.repaired ? " (cleared)" : ""}`,
      });
    }
    this.#recovered = true;
    this.refreshHealth();
    return report;
  }

  /** Applies the desired bindings (start-up), in the background. */
  applyDesired(): void {
    const done = () => {
      this.#bootBindingsDone = true;
      this.#deps.log.info({ component: STARTUP_COMPONENT }, "start-up done");
      this.refreshHealth();
    };
    this.#work.background(this.#applyDesired().finally(done));
  }

  #applyDesired(): Promise<void> {
    return this.#deps.engine.applyDesired().then((applied) => {
      for (const a of applied) {
        if (a.error)
          this.#deps.log.warn({ binding: a.binding, err: a.error }, "desired binding not applied");
        else {
          this.#deps.log.info(
            { binding: a.binding, op: a.result?.operationId ?? null },
            "desired binding applied",
          );
          if (a.result !== null) this.#protectIfDpdk(a.result.device, a.result.state.driver);
        }
      }
    });
  }

  /** Finishes termination plans a previous agent left unfinished, in the background. */
  resumeTermination(): void {
    const unmark = this.#terminating();
    this.#work.background(this.#runner.resume(this.#plans.signal).finally(unmark));
  }

  /** Device events from the watcher; a device that appeared gets its desired binding. */
  deviceChanges(changes: readonly DeviceChange[]): void {
    for (const change of changes) this.#work.background(this.#changes.handle(change));
  }

  /** A termination notice from the watcher. */
  notice(aws: AwsNotice): void {
    const notice = toCoreNotice(aws);
    this.#deps.log.warn({ notice, acts: aws.triggersRelease }, "termination notice");
    this.#hub.emit({ kind: "termination_notice", notice });
    if (!aws.triggersRelease) return;
    // The instance is going away: kubelet's pools stay Unhealthy from now on.
    this.#terminating();
    const signal = this.#plans.signal;
    this.#work.background(
      this.#runner.run(aws, { dryRun: false, requestedBy: null, signal }).catch((err: unknown) => {
        this.#deps.log.error({ err: toAgentError(err) }, "termination plan failed");
      }),
    );
  }

  /** The last configuration reload was refused (message) or accepted (null). */
  configStatus(error: string | null): void {
    this.#configError = error;
    this.refreshHealth();
  }

  /** Recomputes health and emits `health_changed` when it changed. */
  refreshHealth(): void {
    const next = this.#computeHealth();
    const key = JSON.stringify(next);
    if (key === this.#healthKey) return;
    this.#healthKey = key;
    this.#health = next;
    this.#hub.emit({ kind: "health_changed", health: next });
  }

  /** Refuses new work, then waits for tracked work up to `timeoutMs`; true when all ended. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.#stopping = true;
    this.refreshHealth();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const settle = async (): Promise<true> => {
      await this.#work.settled();
      await this.#deps.engine.idle();
      // Nothing writes the journal any more: let go of its file.
      await this.#deps.journal.close().catch(() => undefined);
      return true;
    };
    try {
      const drained = await Promise.race([settle(), timeout]);
      if (!drained) this.#plans.abort(new AgentError("ABORTED", "eni-agent is stopping"));
      return drained;
    } finally {
      clearTimeout(timer);
    }
  }

  // --- internals ---------------------------------------------------------------

  /** Marks kubelet's pools Unhealthy (when the device plugin runs); returns the undo. */
  #terminating(): () => void {
    return this.#deps.pools?.()?.terminating() ?? (() => {});
  }

  /** The pod guard of a move (pod-device-guard.ts); resolves with the withdrawal's end. */
  async #podGuard(
    device: PciAddress,
    target: DriverName | null,
    request: { force: boolean; dryRun: boolean },
  ): Promise<() => void> {
    const guard = this.#deps.pools?.() ?? null;
    if (guard === null) return () => {};
    // A device the listing cannot read is the engine's to refuse, with its own reason.
    const driver = await this.#devices.get({ by: "pci", pciAddress: device }).then(
      (record) => record.driver,
      () => null,
    );
    return guardPodDevice(
      guard,
      { device, driver, target, force: request.force, dryRun: request.dryRun },
      this.#deps.log,
    );
  }

  #computeHealth(): HealthReport {
    return computeHealth({
      recovered: this.#recovered,
      stopping: this.#stopping,
      journalError: this.#deps.journal.lastError(),
      journalIssues: this.#deps.engine.journalIssues(),
      imds: this.#deps.identity.status(),
      watcher: this.#deps.watcher(),
      configError: this.#configError,
      bootBindingsDone: this.#bootBindingsDone,
    });
  }

  #refuseWhenClosing(ctx: CallContext): void {
    if (this.#stopping) {
      throw new AgentError("UNAVAILABLE", "eni-agent is stopping", {
        remedy: "retry after it restarted",
      });
    }
    if (this.#runner.pendingNotice() !== null) {
      throw new AgentError(
        "FAILED_PRECONDITION",
        "the instance is terminating; devices are being released",
        {
          guard: "terminating",
        },
      );
    }
    ctx.signal.throwIfAborted();
  }

  /** Desired bindings and hot-attach protect the ENI as an API bind does, when it went to DPDK. */
  #protectIfDpdk(device: PciAddress, driver: string | null): void {
    if (driver !== null && isUserSpaceDriver(driver)) this.#protect(device);
  }

  /** Marks the device's ENI DeleteOnTermination (when configured), in the background. */
  #protect(device: PciAddress): void {
    const protect = this.#deps.protectEni;
    const mac = this.#deps.engine.home(device)?.mac ?? null;
    const eniId = mac === null ? undefined : this.#deps.identity.byMac(mac)?.eniId;
    if (protect === undefined || eniId === undefined) return;
    this.#work.background(
      protect(eniId).catch((err: unknown) => {
        this.#deps.log.warn({ eni: eniId, err: toAgentError(err) }, "DeleteOnTermination not set");
      }),
    );
  }

  #remember(record: OperationRecord): OperationRecord {
    this.#records.remember(record);
    return record;
  }

  /** What the caller asks along with the move; the engine journals it with the operation. */
  #meta(request: BindRequest | RestoreRequest, ctx: CallContext): RequestMeta {
    return { requestedBy: ctx.caller.identity, persist: request.persist, force: request.force };
  }

  /** Runs a move; its record is the operation the engine returns (joined or its own). */
  async #mutate(
    kind: "bind" | "restore",
    meta: RequestMeta,
    run: () => ReturnType<DriverEngine["bind"]>,
  ): Promise<OperationRecord> {
    const result = await this.#work.track(run());
    for (const warning of result.warnings)
      this.#deps.log.warn({ device: result.device, warning }, "operation warning");
    if (result.operation !== null) return this.#records.record(result.operation);
    return this.#remember(noopRecord(`noop-${randomUUID()}`, kind, result, meta));
  }
}
