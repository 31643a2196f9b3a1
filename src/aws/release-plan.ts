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
 * Exactly once per notice and boot: a plan for a key that is running in this
 * process is joined, a finished one in the journal is not run again (unless
 * it was journaled before this boot), an unfinished one is resumed (a killed
 * agent's plan goes on from the journaled phases; "already gone" answers
 * count as success). The restore is injected: this layer never touches sysfs.
 */
import { toAgentError, wallClock } from "../common/index.js";
import {
  type ReleasePlanDeps,
  type ReleasePlanEnv,
  type ReleasePlanOptions,
  releasePlanSettings,
} from "./release-plan-config.js";
import { draftReleasePlan } from "./release-plan-draft.js";
import { type ExecuteOptions, executeReleasePlan } from "./release-plan-execution.js";
import type { PlanTrigger, ReleasePlanRecord, ReleasePlanResult } from "./release-plan-types.js";

export type {
  LifecycleHookDeps,
  ReleasePlanDeps,
  ReleasePlanOptions,
} from "./release-plan-config.js";

export interface RunOptions {
  /** EC2 DryRun on every mutation, no restore, nothing journaled. Default false. */
  readonly dryRun?: boolean;
  /** Pauses the plan (agent stopping): the journal keeps it unfinished for the next start. */
  readonly signal?: AbortSignal;
}

/**
 * One release per notice key. Drafting is release-plan-draft.ts, running a
 * record is release-plan-execution.ts; this class decides which of them a
 * notice gets: a new plan, a resumed one, a join, or nothing.
 */
export class ReleasePlan {
  private readonly env: ReleasePlanEnv;
  private readonly running = new Map<string, Promise<ReleasePlanResult>>();
  /** The records of the plans running now, by key (to move their deadline). */
  private readonly live = new Map<string, ReleasePlanRecord>();

  /** Throws RangeError on invalid options (see releasePlanSettings). */
  constructor(deps: ReleasePlanDeps, options: ReleasePlanOptions = {}) {
    const clock = deps.clock ?? wallClock;
    this.env = {
      deps,
      settings: releasePlanSettings(options),
      clock: {
        now: () => clock.now(),
        sleep: (ms, signal) => clock.sleep(ms, signal),
        random: deps.random ?? Math.random,
      },
      journalError: (err) => deps.onJournalError?.(toAgentError(err, "UNAVAILABLE")),
    };
  }

  /**
   * Runs the plan for `trigger` once: joins a running one, resumes an
   * unfinished one from the journal, refuses (returns) a finished one.
   * Failures of single steps are in the record (`status: "failed"`), not thrown.
   */
  run(trigger: PlanTrigger, options: RunOptions = {}): Promise<ReleasePlanResult> {
    const signal = options.signal ?? new AbortController().signal;
    if (options.dryRun) return this.start(trigger, true, signal);
    const running = this.running.get(trigger.key);
    if (running) return running.then((result) => ({ ...result, run: "joined" as const }));
    const work = this.runOnce(trigger, signal).finally(() => this.running.delete(trigger.key));
    this.running.set(trigger.key, work);
    return work;
  }

  /** Resumes every unfinished plan in the journal (start-up, before new notices). */
  async resumeUnfinished(signal?: AbortSignal): Promise<ReleasePlanResult[]> {
    const records = await this.env.deps.store.list();
    const unfinished = records.filter((r) => r.status === "running" && !r.dryRun);
    return Promise.all(unfinished.map((r) => this.run(r.notice, { signal })));
  }

  /**
   * The notice came back with another deadline (the same meaning, a moved
   * time). An earlier deadline applies to the running plan at once (its EC2
   * calls, waits and retries read it) and is journaled and reported as
   * `planned`; a later one is ignored, because the first time is the one EC2
   * promised and a mock moving it must not keep work going past it.
   */
  noticeChanged(trigger: PlanTrigger): "moved" | "kept" | "not-running" {
    const record = this.live.get(trigger.key);
    if (record === undefined) return "not-running";
    if (trigger.deadlineMs === undefined || trigger.deadlineMs >= record.deadlineMs) return "kept";
    record.deadlineMs = trigger.deadlineMs;
    void this.env.deps.store.save(record).catch((err: unknown) => this.env.journalError(err));
    try {
      this.env.deps.emit(structuredClone({ type: "planned", plan: record, resumed: false }));
    } catch {
      // A listener's failure must not stop the release.
    }
    return "moved";
  }

  /** The plan `trigger` would get now, without acting or journaling (PrepareTermination dry run). */
  async preview(trigger: PlanTrigger): Promise<ReleasePlanRecord> {
    return (await draftReleasePlan(this.env, trigger, true)).record;
  }

  private async runOnce(trigger: PlanTrigger, signal: AbortSignal): Promise<ReleasePlanResult> {
    const saved = await this.env.deps.store.load(trigger.key).catch((err: unknown) => {
      this.env.journalError(err);
      return undefined;
    });
    const earlierBoot = saved !== undefined && saved.createdAtMs < (this.env.deps.bootedAtMs ?? 0);
    if (saved && saved.status !== "running" && !earlierBoot) {
      return { run: "already-finished", plan: saved };
    }
    if (saved && saved.status === "running") {
      const plan = await this.execute(saved, { resumed: true, signal, listed: undefined });
      return { run: "resumed", plan };
    }
    return this.start(trigger, false, signal);
  }

  private async start(
    trigger: PlanTrigger,
    dryRun: boolean,
    signal: AbortSignal,
  ): Promise<ReleasePlanResult> {
    const { record, listed } = await draftReleasePlan(this.env, trigger, dryRun);
    const plan = await this.execute(record, { resumed: false, signal, listed });
    return { run: "started", plan };
  }

  private async execute(
    record: ReleasePlanRecord,
    options: ExecuteOptions,
  ): Promise<ReleasePlanRecord> {
    if (record.dryRun) return executeReleasePlan(this.env, record, options);
    this.live.set(record.key, record);
    try {
      return await executeReleasePlan(this.env, record, options);
    } finally {
      this.live.delete(record.key);
    }
  }
}
