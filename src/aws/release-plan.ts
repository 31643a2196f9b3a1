/**
 * The release plan: what the agent does when the instance is going away.
 *
 *   plan     list the devices DPDK holds and the owned ENIs attached here;
 *            journal the plan; report it (with its deadline) through `emit`
 *   grace    wait so DPDK applications can stop (bounded by the deadline);
 *            meanwhile, when time is short and the instance terminates, mark
 *            DeleteOnTermination on owned ENIs that lack it (one cheap call
 *            each, invisible to the host, and enough for invariant 6)
 *   restore  every DPDK-bound device back to its kernel driver (milliseconds,
 *            local: first, because it is worth the most per unit of time)
 *   release  per owned ENI, once its device is back: detach (Force only if
 *            configured), wait for `available`, delete; bounded concurrency,
 *            the client-side buckets, pinned SDK retries, an AbortSignal per
 *            call derived from the deadline
 *
 * Exactly once per notice: a plan for a key that is running in this process
 * is joined, a finished one in the journal is not run again, an unfinished
 * one is resumed (a killed agent's plan goes on from the journaled phases;
 * "already gone" answers count as success). The restore is injected: this
 * layer never touches sysfs.
 */
import { type AgentError, sleep, toAgentError } from "../common/index.js";
import type { Ec2Actions } from "./ec2-actions.js";
import type { EniDescription } from "./eni-description.js";
import { buildReleasePlan, endsInTermination, planEniSteps } from "./release-plan-build.js";
import {
  callLimiter,
  type EniWorkContext,
  releaseEni,
  secureEni,
  withRetries,
} from "./release-plan-eni.js";
import type { ReleasePlanStore } from "./release-plan-store.js";
import type {
  BoundDevice,
  EniReleaseMode,
  EniStep,
  ErrorRecord,
  PlanTrigger,
  ReleasePlanEvent,
  ReleasePlanRecord,
  ReleasePlanResult,
  RestoreStep,
} from "./release-plan-types.js";
import { AvailableWaiter } from "./release-plan-wait.js";

export interface ReleasePlanDeps {
  /**
   * The EC2 actions (owner tag, buckets, retries), asked for when the plan
   * needs them (the daemon builds its client once the Region is known); a
   * dry run uses their withDryRun() sibling. A throw fails the EC2 half only.
   */
  readonly actions: () => Ec2Actions;
  readonly store: ReleasePlanStore;
  /** This instance's id, from IMDS. */
  readonly instanceId: () => Promise<string>;
  /** Managed devices not under their kernel driver now (the driver layer's view). */
  readonly boundDevices: () => Promise<readonly BoundDevice[]>;
  /** Returns one device to its kernel driver, verified; throws AgentError on failure. */
  readonly restore: (device: string, signal: AbortSignal) => Promise<void>;
  /** Plan, progress and result; the agent forwards them to WatchEvents. Must not throw. */
  readonly emit: (event: ReleasePlanEvent) => void;
  /** The journal failed; the plan goes on without it rather than leave ENIs behind. */
  readonly onJournalError?: (error: AgentError) => void;
  /** Wall clock, epoch ms. */
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface ReleasePlanOptions {
  /** What to do with owned ENIs. Default "detach-and-delete". */
  readonly mode?: EniReleaseMode;
  /** How long DPDK applications get to stop before restores start, in ms. Default 5000. */
  readonly graceMs?: number;
  /** The grace never eats into the last this-many ms before the work deadline. Default 30000. */
  readonly workReserveMs?: number;
  /** EC2 work aims to end this long before the notice's deadline, in ms. Default 5000. */
  readonly deadlineMarginMs?: number;
  /** Deadline of a plan whose trigger has none, from now, in ms. Default 120000. */
  readonly defaultDeadlineMs?: number;
  /**
   * Mutating EC2 steps (detach, delete, mark) in flight at once; every ENI
   * is worked on together, and waiting for `available` is one describe per
   * round for all of them. Default 4.
   */
  readonly concurrency?: number;
  /** Rounds of the wait for `available`: first delay and largest, in ms. Defaults 250 and 1000. */
  readonly waitBaseDelayMs?: number;
  readonly waitMaxDelayMs?: number;
  /** Devices restored at once (the engine bounds its own parallelism too). Default 8. */
  readonly restoreConcurrency?: number;
  /** Skip EC2 work on ENIs that EC2 will delete with a terminating instance. Default true. */
  readonly trustDeleteOnTermination?: boolean;
  /** Below this much time left (ms), a terminating plan marks DeleteOnTermination first. Default 60000. */
  readonly secureFirstBelowMs?: number;
  /**
   * Backoff between plan-level retries of a transient EC2 failure, in ms.
   * Defaults 200 and 10000: a fleet-wide notice throttles every host at once,
   * and a short cap only adds requests the account's buckets refuse.
   */
  readonly retryBaseDelayMs?: number;
  readonly retryMaxDelayMs?: number;
  /**
   * Longest wait for the owned-ENI listing before the plan goes on without
   * it (restores do not wait for EC2), in ms; the listing is then retried
   * until the deadline. Default 3000.
   */
  readonly listBudgetMs?: number;
}

export interface RunOptions {
  /** EC2 DryRun on every mutation, no restore, nothing journaled. Default false. */
  readonly dryRun?: boolean;
  /** Pauses the plan (agent stopping): the journal keeps it unfinished for the next start. */
  readonly signal?: AbortSignal;
}

type Settings = Required<ReleasePlanOptions>;

export class ReleasePlan {
  private readonly deps: ReleasePlanDeps;
  private readonly settings: Settings;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly running = new Map<string, Promise<ReleasePlanResult>>();
  /** The owned ENIs as listed for each plan in this process, by key (not journaled). */
  private readonly listed = new Map<string, Map<string, EniDescription>>();

  constructor(deps: ReleasePlanDeps, options: ReleasePlanOptions = {}) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.settings = {
      mode: options.mode ?? "detach-and-delete",
      graceMs: options.graceMs ?? 5000,
      workReserveMs: options.workReserveMs ?? 30_000,
      deadlineMarginMs: options.deadlineMarginMs ?? 5000,
      defaultDeadlineMs: options.defaultDeadlineMs ?? 120_000,
      concurrency: options.concurrency ?? 4,
      waitBaseDelayMs: options.waitBaseDelayMs ?? 250,
      waitMaxDelayMs: options.waitMaxDelayMs ?? 1000,
      restoreConcurrency: options.restoreConcurrency ?? 8,
      trustDeleteOnTermination: options.trustDeleteOnTermination ?? true,
      secureFirstBelowMs: options.secureFirstBelowMs ?? 60_000,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 200,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 10_000,
      listBudgetMs: options.listBudgetMs ?? 3000,
    };
    for (const key of ["concurrency", "restoreConcurrency"] as const) {
      const value = this.settings[key];
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`${key} must be an integer ≥ 1, not ${value}`);
      }
    }
  }

  /**
   * Runs the plan for `trigger` once: joins a running one, resumes an
   * unfinished one from the journal, refuses (returns) a finished one.
   * Failures of single steps are in the record (`status: "failed"`), not thrown.
   */
  run(trigger: PlanTrigger, options: RunOptions = {}): Promise<ReleasePlanResult> {
    const signal = options.signal ?? new AbortController().signal;
    if (options.dryRun) {
      return this.plan(trigger, true).then(async (record) => ({
        run: "started" as const,
        plan: await this.execute(record, false, signal),
      }));
    }
    const running = this.running.get(trigger.key);
    if (running) return running.then((result) => ({ ...result, run: "joined" as const }));
    const work = this.runOnce(trigger, signal).finally(() => this.running.delete(trigger.key));
    this.running.set(trigger.key, work);
    return work;
  }

  /** Resumes every unfinished plan in the journal (start-up, before new notices). */
  async resumeUnfinished(signal?: AbortSignal): Promise<ReleasePlanResult[]> {
    const records = await this.deps.store.list();
    const unfinished = records.filter((r) => r.status === "running" && !r.dryRun);
    return Promise.all(unfinished.map((r) => this.run(r.notice, { signal })));
  }

  /** The plan `trigger` would get now, without acting or journaling (PrepareTermination dry run). */
  async preview(trigger: PlanTrigger): Promise<ReleasePlanRecord> {
    const record = await this.plan(trigger, true);
    this.listed.delete(trigger.key);
    return record;
  }

  // --- planning ----------------------------------------------------------------

  private async runOnce(trigger: PlanTrigger, signal: AbortSignal): Promise<ReleasePlanResult> {
    const saved = await this.deps.store.load(trigger.key).catch((err: unknown) => {
      this.journalError(err);
      return undefined;
    });
    if (saved && saved.status !== "running") return { run: "already-finished", plan: saved };
    if (saved) return { run: "resumed", plan: await this.execute(saved, true, signal) };
    const record = await this.plan(trigger, false);
    return { run: "started", plan: await this.execute(record, false, signal) };
  }

  private async plan(trigger: PlanTrigger, dryRun: boolean): Promise<ReleasePlanRecord> {
    const s = this.settings;
    const nowMs = this.now();
    const deadlineMs = trigger.deadlineMs ?? nowMs + s.defaultDeadlineMs;
    const workDeadlineMs = deadlineMs - s.deadlineMarginMs;
    const graceMs = Math.min(s.graceMs, Math.max(0, workDeadlineMs - nowMs - s.workReserveMs));
    let devicesError: ErrorRecord | undefined;
    const bound = await this.deps.boundDevices().catch((err: unknown) => {
      devicesError = toAgentError(err).toJSON();
      return [] as BoundDevice[];
    });
    let instanceId = "unknown";
    let owned: Awaited<ReturnType<Ec2Actions["describeOwnedEnis"]>> | { error: ErrorRecord };
    try {
      instanceId = await this.deps.instanceId();
      const id = instanceId;
      const actions = this.deps.actions();
      const listDeadlineMs = Math.min(workDeadlineMs, nowMs + s.listBudgetMs);
      owned = await withRetries(this.workContext(actions, listDeadlineMs), () =>
        actions.describeOwnedEnis({ deadlineMs: listDeadlineMs }, { instanceId: id }),
      );
    } catch (err) {
      owned = { error: toAgentError(err).toJSON() };
    }
    if (!("error" in owned)) this.remember(trigger.key, owned);
    const record = buildReleasePlan({
      trigger,
      instanceId,
      mode: s.mode,
      dryRun,
      nowMs,
      deadlineMs,
      graceEndsAtMs: nowMs + graceMs,
      bound,
      owned,
      trustDeleteOnTermination: s.trustDeleteOnTermination,
      shortOnTime: endsInTermination(trigger) && workDeadlineMs - this.now() < s.secureFirstBelowMs,
    });
    return devicesError ? { ...record, devicesError } : record;
  }

  // --- execution ----------------------------------------------------------------

  private async execute(
    record: ReleasePlanRecord,
    resumed: boolean,
    signal: AbortSignal,
  ): Promise<ReleasePlanRecord> {
    const journal = record.dryRun ? async () => {} : this.journalFor(record);
    if (resumed) record.resumes += 1;
    // The plan is durable before the first EC2 mutation: after a detach, the
    // ENI no longer shows up under this instance, so only the journal knows it.
    await journal();
    this.emit({ type: "planned", plan: record, resumed });
    const pending = record.enis.filter((e) => e.phase !== "done");
    const first = pending.length === 0 ? undefined : this.ec2Context(record, signal, journal);
    let ctx = first;
    const secure = pending.filter((e) => e.secureFirst && e.phase === "pending");
    await Promise.all([
      record.dryRun ? undefined : sleepUntil(record.graceEndsAtMs, this.now, signal),
      first && Promise.all(secure.map((step) => secureEni(first, step))),
    ]);
    const restored = new Map<string, Promise<boolean>>();
    const restoreWork = this.restoreAll(record, signal, journal, restored);
    const releaseWork = (async () => {
      // The owned ENIs could not be listed in time (throttling, EC2 down):
      // restores did not wait; the listing goes on until the deadline.
      if (record.listError !== undefined && !signal.aborted) {
        if (!(await this.relist(record, journal, signal))) return;
        ctx = this.ec2Context(record, signal, journal);
      }
      const todo = record.enis.filter((e) => e.phase !== "done");
      if (!ctx || todo.length === 0) return;
      const context = ctx;
      await Promise.all(todo.map((step) => this.releaseOne(context, record, step, restored)));
    })();
    await Promise.all([restoreWork, releaseWork]);
    if (!signal.aborted) {
      const failed =
        record.restores.some((r) => r.status === "failed") ||
        record.enis.some((e) => e.phase === "failed") ||
        record.listError !== undefined ||
        record.devicesError !== undefined;
      record.status = failed ? "failed" : "succeeded";
      record.finishedAtMs = this.now();
    }
    await journal();
    this.listed.delete(record.key);
    this.emit({ type: "finished", plan: record });
    return record;
  }

  private remember(key: string, owned: readonly EniDescription[]): void {
    this.listed.set(key, new Map(owned.map((e) => [e.eniId as string, e])));
  }

  /** Lists the owned ENIs again until the work deadline; true once the EC2 steps are planned. */
  private async relist(
    record: ReleasePlanRecord,
    journal: () => Promise<void>,
    signal: AbortSignal,
  ): Promise<boolean> {
    const deadlineMs = record.deadlineMs - this.settings.deadlineMarginMs;
    let actions: Ec2Actions;
    try {
      actions = this.deps.actions();
    } catch {
      return false;
    }
    try {
      const owned = await withRetries(this.workContext(actions, deadlineMs, signal), () =>
        actions.describeOwnedEnis({ deadlineMs, signal }, { instanceId: record.instanceId }),
      );
      const s = this.settings;
      this.remember(record.key, owned);
      record.enis = planEniSteps(
        {
          bound: record.restores.map((r) => ({ device: r.device, eniId: r.eniId })),
          mode: record.mode,
          trustDeleteOnTermination: s.trustDeleteOnTermination,
          shortOnTime: false,
        },
        owned,
        record.terminating,
      );
      record.listError = undefined;
      await journal();
      this.emit({ type: "planned", plan: record, resumed: record.resumes > 0 });
      return true;
    } catch (err) {
      if (!signal.aborted) record.listError = toAgentError(err).toJSON();
      return false;
    }
  }

  /** Restores every device not yet restored; `restored` says, per device, whether it is back. */
  private async restoreAll(
    record: ReleasePlanRecord,
    signal: AbortSignal,
    journal: () => Promise<void>,
    restored: Map<string, Promise<boolean>>,
  ): Promise<void> {
    const todo: { step: RestoreStep; resolve: (ok: boolean) => void }[] = [];
    for (const step of record.restores) {
      if (step.status === "done") {
        restored.set(step.device, Promise.resolve(true));
        continue;
      }
      let resolve: (ok: boolean) => void = () => {};
      restored.set(step.device, new Promise<boolean>((r) => (resolve = r)));
      todo.push({ step, resolve });
    }
    const report = async (step: RestoreStep) => {
      this.emit({ type: "restore", key: record.key, step });
      await journal();
    };
    await runPool(todo, this.settings.restoreConcurrency, async ({ step, resolve }) => {
      if (record.dryRun) {
        step.status = "dry-run";
        await report(step);
        return resolve(true);
      }
      step.status = "running";
      await report(step);
      try {
        await this.deps.restore(step.device, signal);
        step.status = "done";
        step.error = undefined;
      } catch (err) {
        step.status = "failed";
        step.error = toAgentError(err).toJSON();
      }
      await report(step);
      resolve(step.status === "done");
    });
  }

  private async releaseOne(
    ctx: EniWorkContext,
    record: ReleasePlanRecord,
    step: EniStep,
    restored: Map<string, Promise<boolean>>,
  ): Promise<void> {
    const back = step.device === null ? true : await (restored.get(step.device) ?? true);
    if (ctx.call.signal?.aborted) return;
    try {
      if (!back) return await this.blocked(ctx, record, step);
      await releaseEni(ctx, step);
    } catch (err) {
      if (ctx.call.signal?.aborted) return;
      step.failedIn = step.phase === "failed" ? step.failedIn : step.phase;
      step.phase = "failed";
      step.error = toAgentError(err).toJSON();
      await ctx.update(step);
    }
  }

  /**
   * The device is still held by a DPDK driver: detaching would hot-remove it
   * under its application. The ENI stays attached; if the instance
   * terminates, DeleteOnTermination keeps it from leaking.
   */
  private async blocked(ctx: EniWorkContext, record: ReleasePlanRecord, step: EniStep) {
    if (record.terminating && step.action === "detach-and-delete") await secureEni(ctx, step);
    step.phase = "failed";
    const marked = step.deleteOnTermination ? "; DeleteOnTermination is set" : "";
    step.error = {
      code: "FAILED_PRECONDITION",
      message: `${step.eniId}: device ${step.device} was not returned to its kernel driver; the ENI stays attached${marked}`,
      guard: "device-not-restored",
    };
    await ctx.update(step);
  }

  // --- plumbing ------------------------------------------------------------------

  /** The EC2 side of a run; without actions (no Region yet), every EC2 step fails with why. */
  private ec2Context(
    record: ReleasePlanRecord,
    signal: AbortSignal,
    journal: () => Promise<void>,
  ): EniWorkContext | undefined {
    let actions: Ec2Actions;
    try {
      actions = this.deps.actions();
      if (record.dryRun) actions = actions.withDryRun();
    } catch (err) {
      const error = toAgentError(err).toJSON();
      for (const step of record.enis) {
        if (step.phase === "done") continue;
        step.failedIn = step.phase === "failed" ? step.failedIn : step.phase;
        step.phase = "failed";
        step.error = error;
      }
      return undefined;
    }
    const listed = this.listed.get(record.key);
    return {
      ...this.workContext(actions, record.deadlineMs - this.settings.deadlineMarginMs, signal),
      seen: (eniId) => listed?.get(eniId),
      update: async (step) => {
        this.emit({ type: "eni", key: record.key, step });
        await journal();
      },
    };
  }

  private workContext(
    actions: Ec2Actions,
    deadlineMs: number,
    signal?: AbortSignal,
  ): EniWorkContext {
    const call = signal ? { deadlineMs, signal } : { deadlineMs };
    const waiter = new AvailableWaiter(actions, call, {
      backoff: { baseMs: this.settings.waitBaseDelayMs, capMs: this.settings.waitMaxDelayMs },
      random: this.random,
      now: this.now,
    });
    return {
      actions,
      call,
      slot: callLimiter(this.settings.concurrency),
      waitAvailable: (eniId) => waiter.wait(eniId),
      seen: () => undefined,
      now: this.now,
      random: this.random,
      retry: { baseMs: this.settings.retryBaseDelayMs, capMs: this.settings.retryMaxDelayMs },
      update: async () => {},
    };
  }

  /**
   * Saves the record, one write at a time; calls arriving during a write
   * share the next one (it saves the state as it is then), so a burst of
   * step changes costs two writes, and each caller resolves once its change
   * is durable.
   */
  private journalFor(record: ReleasePlanRecord): () => Promise<void> {
    let writing: Promise<void> = Promise.resolve();
    let queued: Promise<void> | undefined;
    return () => {
      if (queued) return queued;
      const next = writing.then(async () => {
        queued = undefined;
        await this.deps.store.save(record).catch((err: unknown) => this.journalError(err));
      });
      queued = next;
      writing = next;
      return next;
    };
  }

  private journalError(err: unknown): void {
    this.deps.onJournalError?.(toAgentError(err, "UNAVAILABLE"));
  }

  private emit(event: ReleasePlanEvent): void {
    try {
      this.deps.emit(structuredClone(event));
    } catch {
      // A listener's failure must not stop the release.
    }
  }
}

/** Runs `fn` over `items` with at most `limit` at once; `fn` must not throw. */
async function runPool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function sleepUntil(atMs: number, now: () => number, signal: AbortSignal): Promise<void> {
  const ms = atMs - now();
  if (ms <= 0) return;
  await sleep(ms, signal).catch(() => {});
}
