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
import { type AgentError, type Clock, toAgentError, wallClock } from "../../common/index.js";
import type { AsgLifecycleActions, LifecycleActionResult } from "../asg-lifecycle-actions.js";
import type { Ec2Actions } from "../ec2-actions.js";
import type { EniDescription } from "../eni-description.js";
import { eniWorkContext, withRetries } from "./eni-release.js";
import { type ExecuteOptions, executeReleasePlan } from "./execute-plan.js";
import {
  type BoundDevice,
  buildReleasePlan,
  type EniReleaseMode,
  type ErrorRecord,
  endsInTermination,
  type PlanTrigger,
  type ReleasePlanEvent,
  type ReleasePlanRecord,
  type ReleasePlanResult,
} from "./plan-record.js";
import type { ReleasePlanStore } from "./plan-store.js";

export interface RunOptions {
  /** EC2 DryRun on every mutation, no restore, nothing journaled. Default false. */
  readonly dryRun?: boolean;
  /** Pauses the plan (agent stopping): the journal keeps it unfinished for the next start. */
  readonly signal?: AbortSignal;
}

/**
 * One release per notice key. Drafting is draftReleasePlan (below), running
 * a record is execute-plan.ts; this class decides which of them a notice
 * gets: a new plan, a resumed one, a join, or nothing.
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

/*
 * What a release plan is built from: its ports (deps), its tuning (options,
 * with the defaults every other release-plan module relies on), and the
 * environment one run works in.
 */

/** The Auto Scaling terminate lifecycle hook a plan completes (notices from Auto Scaling only). */
export interface LifecycleHookDeps {
  readonly hookName: string;
  /** The group; absent: the instance's aws:autoscaling:groupName tag, else DescribeAutoScalingInstances. */
  readonly groupName?: string;
  /** The result when the plan failed; a plan that succeeded always completes with CONTINUE. */
  readonly onFailure: LifecycleActionResult;
  /** RecordLifecycleActionHeartbeat this often while the plan runs, in ms (below the hook's heartbeat timeout). */
  readonly heartbeatIntervalMs: number;
  /** Asked for when needed (the daemon loads the Auto Scaling SDK on first use). */
  readonly actions: () => AsgLifecycleActions | Promise<AsgLifecycleActions>;
  /** The instance's aws:autoscaling:groupName tag from IMDS; undefined when tags are not in metadata. */
  readonly groupFromMetadata?: (signal: AbortSignal) => Promise<string | undefined>;
}

interface ReleasePlanDeps {
  /**
   * The EC2 actions (owner tag, buckets, retries), asked for when the plan
   * needs them (the daemon builds its client once the Region is known); a
   * dry run uses their withDryRun() sibling. A throw or rejection fails the
   * EC2 half only. May be asynchronous: the daemon loads the EC2 SDK on first use.
   */
  readonly actions: () => Ec2Actions | Promise<Ec2Actions>;
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
  /** Epoch ms: deadlines, the grace, backoff and waits. Default wallClock. */
  readonly clock?: Clock;
  /**
   * When this host booted, epoch ms. A finished plan journaled before then
   * belongs to an earlier boot: a notice with the same key now (a spot
   * `stop` after a stop and start) is a new one and gets a new plan.
   * Default 0 (every journaled plan is of this boot).
   */
  readonly bootedAtMs?: number;
  readonly random?: () => number;
  /** Complete the Auto Scaling lifecycle action when the plan ends. Absent: never. */
  readonly lifecycleHook?: LifecycleHookDeps;
}

export interface ReleasePlanOptions {
  /** What to do with owned ENIs. Default "detach-and-delete". */
  readonly mode?: EniReleaseMode;
  /** How long DPDK applications get to stop before restores start, in ms. Default 5000. */
  readonly dpdkGraceMs?: number;
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

/** Every option with its default filled in. */
export type ReleasePlanSettings = Required<ReleasePlanOptions>;

/** Fills in the defaults; throws RangeError on a concurrency that is not an integer ≥ 1. */
export function releasePlanSettings(options: ReleasePlanOptions = {}): ReleasePlanSettings {
  const settings: ReleasePlanSettings = {
    mode: options.mode ?? "detach-and-delete",
    dpdkGraceMs: options.dpdkGraceMs ?? 5000,
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
    const value = settings[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${key} must be an integer ≥ 1, not ${value}`);
    }
  }
  return settings;
}

export interface ReleaseClock {
  /** Epoch ms. */
  readonly now: () => number;
  readonly sleep: Clock["sleep"];
  /** For backoff jitter. */
  readonly random: () => number;
}

/** What drafting and executing a plan work with: the deps, settled once per ReleasePlan. */
export interface ReleasePlanEnv {
  readonly deps: ReleasePlanDeps;
  readonly settings: ReleasePlanSettings;
  readonly clock: ReleaseClock;
  /** Reports a failed journal read or write through `onJournalError`; never throws. */
  readonly journalError: (err: unknown) => void;
}

/*
 * Drafts a release plan: reads what the host and EC2 say at notice time
 * (the devices DPDK holds, this instance's id, the owned ENIs attached here)
 * and turns it into a record with buildReleasePlan. Nothing is changed and
 * nothing journaled. A part that cannot be read becomes an error in the
 * record, never a reason to plan nothing: restores do not wait for EC2.
 */

interface DraftedPlan {
  readonly record: ReleasePlanRecord;
  /** The owned ENIs as just listed (saves re-describes); undefined when the listing failed. */
  readonly listed: readonly EniDescription[] | undefined;
}

async function draftReleasePlan(
  env: ReleasePlanEnv,
  trigger: PlanTrigger,
  dryRun: boolean,
): Promise<DraftedPlan> {
  const { deps, settings: s, clock } = env;
  const nowMs = clock.now();
  const deadlineMs = trigger.deadlineMs ?? nowMs + s.defaultDeadlineMs;
  const workDeadlineMs = deadlineMs - s.deadlineMarginMs;
  const dpdkGraceMs = Math.min(
    s.dpdkGraceMs,
    Math.max(0, workDeadlineMs - nowMs - s.workReserveMs),
  );
  let devicesError: ErrorRecord | undefined;
  const bound = await deps.boundDevices().catch((err: unknown) => {
    devicesError = toAgentError(err).toJSON();
    return [] as BoundDevice[];
  });
  let instanceId = "unknown";
  let owned: readonly EniDescription[] | { error: ErrorRecord };
  try {
    instanceId = await deps.instanceId();
    const id = instanceId;
    const actions = await deps.actions();
    // Bounded: restores wait for the plan, and the plan does not wait long
    // for EC2; a listing that fails here is retried while the plan runs.
    // The budget is EC2's, so it starts once the SDK is loaded (its first
    // load is local work that a slow or busy host stretches).
    const call = { deadlineMs: Math.min(workDeadlineMs, clock.now() + s.listBudgetMs) };
    owned = await withRetries(eniWorkContext(actions, call, s, clock), () =>
      actions.describeOwnedEnis(call, { instanceId: id }),
    );
  } catch (err) {
    owned = { error: toAgentError(err).toJSON() };
  }
  const record = buildReleasePlan({
    trigger,
    instanceId,
    mode: s.mode,
    dryRun,
    nowMs,
    deadlineMs,
    graceEndsAtMs: nowMs + dpdkGraceMs,
    bound,
    owned,
    trustDeleteOnTermination: s.trustDeleteOnTermination,
    shortOnTime: endsInTermination(trigger) && workDeadlineMs - clock.now() < s.secureFirstBelowMs,
    ...(deps.lifecycleHook ? { lifecycleHook: deps.lifecycleHook } : {}),
  });
  return {
    record: devicesError ? { ...record, devicesError } : record,
    listed: "error" in owned ? undefined : owned,
  };
}
