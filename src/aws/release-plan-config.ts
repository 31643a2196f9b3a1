/**
 * What a release plan is built from: its ports (deps), its tuning (options,
 * with the defaults every other release-plan module relies on), and the
 * environment one run works in.
 */
import type { AgentError, Clock } from "../common/index.js";
import type { AsgLifecycleActions, LifecycleActionResult } from "./asg-lifecycle-actions.js";
import type { Ec2Actions } from "./ec2-actions.js";
import type { ReleasePlanStore } from "./release-plan-store.js";
import type { BoundDevice, EniReleaseMode, ReleasePlanEvent } from "./release-plan-types.js";

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

export interface ReleasePlanDeps {
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

/** Every option with its default filled in. */
export type ReleasePlanSettings = Required<ReleasePlanOptions>;

/** Fills in the defaults; throws RangeError on a concurrency that is not an integer ≥ 1. */
export function releasePlanSettings(options: ReleasePlanOptions = {}): ReleasePlanSettings {
  const settings: ReleasePlanSettings = {
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
