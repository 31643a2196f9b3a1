/**
 * Runs one drafted (or journaled) release plan to its end: grace, then the
 * restores and the EC2 release side by side, each ENI released once its
 * device is back. Every step change is reported through `emit` and journaled
 * before the work that depends on it; an aborted signal pauses the run and
 * leaves the record unfinished for the next start.
 */
import { setMaxListeners } from "node:events";
import { toAgentError } from "../../common/index.js";
import type { Ec2Actions } from "../ec2-actions.js";
import type { Ec2CallOptions } from "../ec2-call.js";
import type { EniDescription } from "../eni-description.js";
import {
  type EniWorkContext,
  eniWorkContext,
  releaseEni,
  secureEni,
  withRetries,
} from "./eni-release.js";
import { LifecycleRun } from "./lifecycle-run.js";
import {
  type EniStep,
  planEniSteps,
  type ReleasePlanEvent,
  type ReleasePlanRecord,
  type RestoreStep,
} from "./plan-record.js";
import type { ReleasePlanStore } from "./plan-store.js";
import type { ReleaseClock, ReleasePlanEnv } from "./release-plan.js";

export interface ExecuteOptions {
  /** The record comes from the journal (a restarted agent): counted in `resumes`. */
  readonly resumed: boolean;
  readonly signal: AbortSignal;
  /** The owned ENIs as the draft listed them; undefined for a journaled record. */
  readonly listed: readonly EniDescription[] | undefined;
}

/** Runs `record` (mutating it) and returns it; step failures are in the record, not thrown. */
export function executeReleasePlan(
  env: ReleasePlanEnv,
  record: ReleasePlanRecord,
  options: ExecuteOptions,
): Promise<ReleasePlanRecord> {
  return new PlanExecution(env, record, options).run();
}

class PlanExecution {
  private readonly journal: () => Promise<void>;
  /** What EC2 said about each owned ENI in this run, by id (not journaled). */
  private listed: ReadonlyMap<string, EniDescription> | undefined;
  private readonly signal: AbortSignal;

  constructor(
    private readonly env: ReleasePlanEnv,
    private readonly record: ReleasePlanRecord,
    private readonly options: ExecuteOptions,
  ) {
    this.journal = record.dryRun
      ? async () => {}
      : planJournal(env.deps.store, record, env.journalError);
    this.signal = options.signal;
    // One plan waits on its signal in many places at once (every EC2 call,
    // wait, retry and heartbeat of every ENI): that is no listener leak.
    setMaxListeners(0, this.signal);
    this.remember(options.listed);
  }

  async run(): Promise<ReleasePlanRecord> {
    const { record, signal } = this;
    if (this.options.resumed) record.resumes += 1;
    // The plan is durable before the first EC2 mutation: after a detach, the
    // ENI no longer shows up under this instance, so only the journal knows it.
    await this.journal();
    this.emit({ type: "planned", plan: record, resumed: this.options.resumed });
    const lifecycle = this.lifecycleRun();
    lifecycle?.startHeartbeats();
    const pending = record.enis.filter((e) => e.phase !== "done");
    const first = pending.length === 0 ? undefined : await this.ec2Context();
    let ctx = first;
    const secure = pending.filter((e) => e.secureFirst && e.phase === "pending");
    await Promise.all([
      record.dryRun ? undefined : sleepUntil(record.graceEndsAtMs, this.env.clock, signal),
      first && Promise.all(secure.map((step) => secureEni(first, step))),
    ]);
    const restores = startRestores(record, {
      restore: this.env.deps.restore,
      concurrency: this.env.settings.restoreConcurrency,
      signal,
      update: async (step) => {
        this.emit({ type: "restore", key: record.key, step });
        await this.journal();
      },
    });
    const release = (async () => {
      // The owned ENIs could not be listed in time (throttling, EC2 down):
      // restores did not wait; the listing goes on until the deadline.
      if (record.listError !== undefined && !signal.aborted) {
        if (!(await this.relist())) return;
        ctx = await this.ec2Context();
      }
      const todo = record.enis.filter((e) => e.phase !== "done");
      if (!ctx || todo.length === 0) return;
      const context = ctx;
      await Promise.all(todo.map((step) => this.releaseOne(context, step, restores)));
    })();
    await Promise.all([restores.done, release]);
    if (signal.aborted) await lifecycle?.stop();
    else {
      const failed =
        record.restores.some((r) => r.status === "failed") ||
        record.enis.some((e) => e.phase === "failed") ||
        record.listError !== undefined ||
        record.devicesError !== undefined;
      // The instance waits for this; the plan's own outcome decides the result.
      await lifecycle?.complete(failed);
      const lifecycleFailed = record.lifecycle?.status === "failed";
      record.status = failed || lifecycleFailed ? "failed" : "succeeded";
      record.finishedAtMs = this.env.clock.now();
    }
    await this.journal();
    this.emit({ type: "finished", plan: record });
    return record;
  }

  /** The lifecycle action's run, for a plan with a lifecycle step to do (never in a dry run). */
  private lifecycleRun(): LifecycleRun | undefined {
    const { record, env } = this;
    const hook = env.deps.lifecycleHook;
    if (record.dryRun || hook === undefined || record.lifecycle?.status !== "pending") return;
    return new LifecycleRun(
      env,
      hook,
      record,
      record.lifecycle,
      async (step) => {
        this.emit({ type: "lifecycle", key: record.key, step });
        await this.journal();
      },
      this.signal,
    );
  }

  private remember(owned: readonly EniDescription[] | undefined): void {
    this.listed = owned && new Map(owned.map((e) => [e.eniId as string, e]));
  }

  /** Lists the owned ENIs again until the work deadline; true once the EC2 steps are planned. */
  private async relist(): Promise<boolean> {
    const { record, signal } = this;
    const { deps, settings: s, clock } = this.env;
    const call = workCall(record, s.deadlineMarginMs, signal);
    let actions: Ec2Actions;
    try {
      actions = await deps.actions();
    } catch {
      return false;
    }
    try {
      const owned = await withRetries(eniWorkContext(actions, call, s, clock), () =>
        actions.describeOwnedEnis(call, { instanceId: record.instanceId }),
      );
      this.remember(owned);
      record.enis = planEniSteps(
        {
          bound: record.restores.map((r) => ({ device: r.device, eniId: r.eniId, mac: r.mac })),
          mode: record.mode,
          trustDeleteOnTermination: s.trustDeleteOnTermination,
          shortOnTime: false,
        },
        owned,
        record.terminating,
      );
      record.listError = undefined;
      await this.journal();
      this.emit({ type: "planned", plan: record, resumed: record.resumes > 0 });
      return true;
    } catch (err) {
      if (!signal.aborted) record.listError = toAgentError(err).toJSON();
      return false;
    }
  }

  private async releaseOne(ctx: EniWorkContext, step: EniStep, restores: RestoreRun) {
    const back = step.device === null ? true : await restores.back(step.device);
    if (ctx.call.signal?.aborted) return;
    try {
      if (!back) return await this.blocked(ctx, step);
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
  private async blocked(ctx: EniWorkContext, step: EniStep) {
    if (this.record.terminating && step.action === "detach-and-delete") await secureEni(ctx, step);
    step.phase = "failed";
    const marked = step.deleteOnTermination ? "; DeleteOnTermination is set" : "";
    step.error = {
      code: "FAILED_PRECONDITION",
      message: `${step.eniId}: device ${step.device} was not returned to its kernel driver; the ENI stays attached${marked}`,
      guard: "device-not-restored",
    };
    await ctx.update(step);
  }

  /** The EC2 side of the run; without actions (no Region yet), every EC2 step fails with why. */
  private async ec2Context(): Promise<EniWorkContext | undefined> {
    const { record } = this;
    const { deps, settings: s, clock } = this.env;
    let actions: Ec2Actions;
    try {
      actions = await deps.actions();
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
    const listed = this.listed;
    const call = workCall(record, s.deadlineMarginMs, this.signal);
    return {
      ...eniWorkContext(actions, call, s, clock),
      seen: (eniId) => listed?.get(eniId),
      update: async (step) => {
        this.emit({ type: "eni", key: record.key, step });
        await this.journal();
      },
    };
  }

  private emit(event: ReleasePlanEvent): void {
    try {
      this.env.deps.emit(structuredClone(event));
    } catch {
      // A listener's failure must not stop the release.
    }
  }
}

/**
 * The EC2 calls' deadline, read from the record at each use: a notice that
 * comes back with an earlier time moves it for calls, waits and retries
 * already under way (ReleasePlan.noticeChanged).
 */
function workCall(
  record: ReleasePlanRecord,
  marginMs: number,
  signal: AbortSignal,
): Ec2CallOptions {
  return {
    get deadlineMs() {
      return record.deadlineMs - marginMs;
    },
    signal,
  };
}

async function sleepUntil(atMs: number, clock: ReleaseClock, signal: AbortSignal): Promise<void> {
  const ms = atMs - clock.now();
  if (ms <= 0) return;
  await clock.sleep(ms, signal).catch(() => {});
}

/*
 * The restore half of a release plan: every device a DPDK driver holds goes
 * back to its kernel driver, a few at a time, each step reported and
 * journaled. The restore itself is injected (this layer never touches sysfs);
 * the EC2 half waits on `back(device)` before it detaches the device's ENI.
 */

interface RestoreOptions {
  /** Returns one device to its kernel driver, verified; throws AgentError on failure. */
  readonly restore: (device: string, signal: AbortSignal) => Promise<void>;
  /** Devices restored at once. */
  readonly concurrency: number;
  readonly signal: AbortSignal;
  /** Reports and journals a step after a change; resolves once it is durable. */
  readonly update: (step: RestoreStep) => Promise<void>;
}

interface RestoreRun {
  /** True once the device is back with its kernel driver; false when its restore failed. */
  readonly back: (device: string) => Promise<boolean>;
  /** Settles when every restore has ended; never rejects (failures are in the steps). */
  readonly done: Promise<void>;
}

/** Starts the restores not done yet; `back` is answerable at once, for every device. */
export function startRestores(record: ReleasePlanRecord, options: RestoreOptions): RestoreRun {
  const restored = new Map<string, Promise<boolean>>();
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
  const done = runPool(todo, options.concurrency, async ({ step, resolve }) => {
    if (record.dryRun) {
      step.status = "dry-run";
      await options.update(step);
      return resolve(true);
    }
    step.status = "running";
    await options.update(step);
    try {
      await options.restore(step.device, options.signal);
      step.status = "done";
      step.error = undefined;
    } catch (err) {
      step.status = "failed";
      step.error = toAgentError(err).toJSON();
    }
    await options.update(step);
    resolve(step.status === "done");
  });
  // A device the plan does not restore is not held by DPDK: nothing to wait for.
  return { back: (device) => restored.get(device) ?? Promise.resolve(true), done };
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

/*
 * Journals one plan record as it changes. Steps change in bursts (every
 * ENI and device moves at once), and each change must be durable before the
 * next EC2 call that depends on it; this writer keeps that promise without
 * one store write per change.
 */

/**
 * Returns a function that saves `record` as it is when the write starts.
 * One write at a time; calls arriving during a write share the next one, so
 * a burst of changes costs two writes and each caller resolves once its
 * change is durable. A failed save goes to `onError` and never rejects: the
 * plan goes on without its journal rather than leave ENIs behind.
 */
export function planJournal(
  store: ReleasePlanStore,
  record: ReleasePlanRecord,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let writing: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  return () => {
    if (queued) return queued;
    const next = writing.then(async () => {
      queued = undefined;
      await store.save(record).catch(onError);
    });
    queued = next;
    writing = next;
    return next;
  };
}
