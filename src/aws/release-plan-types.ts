/**
 * The release plan's record: what a termination notice makes the agent do,
 * step by step, in a form that is journaled after every change so that a
 * restarted agent resumes where the killed one stopped. Plain JSON (no
 * classes, no Dates): the record is what the durable store writes.
 */
import type { EniId, ErrorCode, ErrorDetails } from "../common/index.js";
import type { TerminationNotice } from "./termination-notice.js";

/** A plan asked for by a person (PrepareTermination, `eni-agent drain`), not by IMDS. */
export interface ManualTrigger {
  readonly kind: "manual";
  readonly key: string;
  readonly deadlineMs: number | undefined;
  readonly observedAtMs: number;
  readonly triggersRelease: true;
}

/** What starts a plan: a notice the release policy acts on, or a person. */
export type PlanTrigger = TerminationNotice | ManualTrigger;

/** What the plan does in EC2 with an ENI the agent owns, once its device is back with the kernel. */
export type EniReleaseMode = "detach-and-delete" | "detach" | "delete-on-termination" | "none";
export const ENI_RELEASE_MODES: readonly EniReleaseMode[] = [
  "detach-and-delete",
  "detach",
  "delete-on-termination",
  "none",
];

/** A managed device that is not under its kernel driver, as the driver layer reports it. */
export interface BoundDevice {
  /** Opaque here (a PCI address): what the injected restore function understands. */
  readonly device: string;
  /** The ENI behind the device, when its identity was recorded; null when unknown. */
  readonly eniId: EniId | null;
}

/** An AgentError as JSON, kept in the record. */
export type ErrorRecord = { readonly code: ErrorCode; readonly message: string } & ErrorDetails;

export type RestoreStatus = "pending" | "running" | "done" | "failed" | "dry-run";

export interface RestoreStep {
  readonly device: string;
  readonly eniId: EniId | null;
  status: RestoreStatus;
  error?: ErrorRecord;
}

/**
 * - `detach-and-delete`, `detach`, `mark-delete-on-termination`: EC2 work per the mode;
 * - `covered`: the attachment already has DeleteOnTermination and the notice
 *   ends in termination, so EC2 deletes the ENI itself; no call is needed;
 * - `skip`: never touched (not owned, the primary ENI, requester-managed, mode `none`).
 */
export type EniAction =
  | "detach-and-delete"
  | "detach"
  | "mark-delete-on-termination"
  | "covered"
  | "skip";

/**
 * Where an ENI step stands. The EC2 work moves pending → (secured) →
 * detaching → detached → done; every move is journaled, and each resumes
 * idempotently (a detach or delete of something already gone is success).
 */
export type EniPhase = "pending" | "secured" | "detaching" | "detached" | "done" | "failed";

export type EniOutcome =
  | "deleted"
  | "detached"
  | "already-gone"
  | "delete-on-termination-set"
  | "covered"
  | "skipped"
  | "dry-run";

export interface EniStep {
  readonly eniId: EniId;
  /** Its device on this host, when it has one the plan restores first. */
  readonly device: string | null;
  readonly action: EniAction;
  /** Why this action, for people. */
  readonly reason: string;
  /** Mark DeleteOnTermination before detaching: little time left and the instance terminates. */
  readonly secureFirst: boolean;
  phase: EniPhase;
  /** The phase the step was in when it failed (which EC2 call failed). */
  failedIn?: Exclude<EniPhase, "failed">;
  outcome?: EniOutcome;
  /** DeleteOnTermination is known to be set on the current attachment. */
  deleteOnTermination: boolean;
  error?: ErrorRecord;
}

/**
 * The Auto Scaling lifecycle action a terminating instance waits on, when a
 * hook is configured and the notice came from Auto Scaling:
 * - `pending`: heartbeats while the plan runs, completion when it ends;
 * - `completed`: CompleteLifecycleAction accepted `result`;
 * - `not-waiting`: no action of the hook waited any more (someone else
 *   completed it, or it timed out): nothing to do;
 * - `failed`: it could not be completed (`error`); the hook's timeout ends it.
 */
export interface LifecycleStep {
  readonly hookName: string;
  /** Discovered (IMDS tags, else DescribeAutoScalingInstances) unless configured. */
  groupName: string | null;
  status: "pending" | "completed" | "not-waiting" | "failed";
  result?: "CONTINUE" | "ABANDON";
  heartbeats: number;
  /** The last heartbeat that failed, and why (heartbeats never fail the plan). */
  heartbeatError?: ErrorRecord;
  completedAtMs?: number;
  error?: ErrorRecord;
}

export type PlanStatus = "running" | "succeeded" | "failed";

export interface ReleasePlanRecord {
  readonly version: 1;
  /** The notice's content key: one plan per notice, ever. */
  readonly key: string;
  readonly notice: PlanTrigger;
  readonly instanceId: string;
  readonly mode: EniReleaseMode;
  readonly dryRun: boolean;
  /** The notice ends with the instance terminated (DeleteOnTermination will fire). */
  readonly terminating: boolean;
  readonly createdAtMs: number;
  /**
   * When the plan must be done, epoch ms; kept from the first run (an ASG
   * notice seen again after a restart would otherwise move it), and only
   * ever moved earlier (the notice came back with an earlier time).
   */
  deadlineMs: number;
  /** Restores start at this time (epoch ms): DPDK applications get until then to stop. */
  readonly graceEndsAtMs: number;
  status: PlanStatus;
  restores: RestoreStep[];
  enis: EniStep[];
  /** Listing the owned ENIs failed: the EC2 half could not be planned. */
  listError?: ErrorRecord;
  /** Listing the bound devices failed: nothing could be restored. */
  devicesError?: ErrorRecord;
  /** The Auto Scaling lifecycle action to complete at the end; absent when none applies. */
  lifecycle?: LifecycleStep;
  /** How many times a restarted agent picked the plan up again. */
  resumes: number;
  finishedAtMs?: number;
}

/** What the plan reports while it runs; the agent forwards these to WatchEvents. */
export type ReleasePlanEvent =
  | { readonly type: "planned"; readonly plan: ReleasePlanRecord; readonly resumed: boolean }
  | { readonly type: "restore"; readonly key: string; readonly step: RestoreStep }
  | { readonly type: "eni"; readonly key: string; readonly step: EniStep }
  | { readonly type: "lifecycle"; readonly key: string; readonly step: LifecycleStep }
  | { readonly type: "finished"; readonly plan: ReleasePlanRecord };

/**
 * - `started`: a new plan ran;
 * - `resumed`: an unfinished plan from the journal ran to its end;
 * - `joined`: a plan for the same notice was already running in this process;
 * - `already-finished`: the journal holds a finished plan for this notice; nothing ran.
 */
export type RunKind = "started" | "resumed" | "joined" | "already-finished";

export interface ReleasePlanResult {
  readonly run: RunKind;
  readonly plan: ReleasePlanRecord;
}
