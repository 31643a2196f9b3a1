/**
 * The release plan's record: what a termination notice makes the agent do,
 * step by step, in a form that is journaled after every change so that a
 * restarted agent resumes where the killed one stopped. Plain JSON (no
 * classes, no Dates): the record is what the durable store writes.
 *
 * It is built from what the host and EC2 say at notice time (the devices to
 * hand back to the kernel, and what to do in EC2 with each ENI the agent
 * owns) by buildReleasePlan, which is pure: no I/O, so every rule is
 * testable on its own.
 */
import type { EniId, ErrorCode, ErrorDetails } from "../../common/index.js";
import { type EniDescription, isPrimaryAttachment } from "../eni-description.js";
import type { TerminationNotice } from "../termination-notice.js";

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
export const ENI_RELEASE_MODES = [
  "detach-and-delete",
  "detach",
  "delete-on-termination",
  "none",
] as const;
export type EniReleaseMode = (typeof ENI_RELEASE_MODES)[number];

/**
 * How a plan completes an Auto Scaling lifecycle action: CONTINUE lets the
 * termination go on (and other hooks run); ABANDON ends the remaining
 * actions too. Here rather than beside the Auto Scaling calls so that the
 * configuration can list them without loading the SDK.
 */
export const LIFECYCLE_ACTION_RESULTS = ["CONTINUE", "ABANDON"] as const;
export type LifecycleActionResult = (typeof LIFECYCLE_ACTION_RESULTS)[number];

/** A managed device that is not under its kernel driver, as the driver layer reports it. */
export interface BoundDevice {
  /** Opaque here (a PCI address): what the injected restore function understands. */
  readonly device: string;
  /** The ENI behind the device, when its identity was recorded; null when unknown. */
  readonly eniId: EniId | null;
  /**
   * The device's MAC, when known: EC2's listing names each ENI's MAC, so a
   * device whose ENI id was not read yet (IMDS) is still matched to its ENI
   * and released only after it is back on its kernel driver.
   */
  readonly mac?: string | null;
}

/** An AgentError as JSON, kept in the record. */
export type ErrorRecord = { readonly code: ErrorCode; readonly message: string } & ErrorDetails;

type RestoreStatus = "pending" | "running" | "done" | "failed" | "dry-run";

export interface RestoreStep {
  readonly device: string;
  readonly eniId: EniId | null;
  /** Absent in records of older versions. */
  readonly mac?: string | null;
  status: RestoreStatus;
  error?: ErrorRecord;
}

/**
 * - `detach-and-delete`, `detach`, `mark-delete-on-termination`: EC2 work per the mode;
 * - `covered`: the attachment already has DeleteOnTermination and the notice
 *   ends in termination, so EC2 deletes the ENI itself; no call is needed;
 * - `skip`: never touched (not owned, the primary ENI, requester-managed, mode `none`).
 */
type EniAction = "detach-and-delete" | "detach" | "mark-delete-on-termination" | "covered" | "skip";

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
  result?: LifecycleActionResult;
  heartbeats: number;
  /** The last heartbeat that failed, and why (heartbeats never fail the plan). */
  heartbeatError?: ErrorRecord;
  completedAtMs?: number;
  error?: ErrorRecord;
}

type PlanStatus = "running" | "succeeded" | "failed";

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
type RunKind = "started" | "resumed" | "joined" | "already-finished";

export interface ReleasePlanResult {
  readonly run: RunKind;
  readonly plan: ReleasePlanRecord;
}

interface BuildPlanInput {
  readonly trigger: PlanTrigger;
  readonly instanceId: string;
  readonly mode: EniReleaseMode;
  readonly dryRun: boolean;
  readonly nowMs: number;
  readonly deadlineMs: number;
  readonly graceEndsAtMs: number;
  readonly bound: readonly BoundDevice[];
  /** Owned ENIs attached to this instance, or why they could not be listed. */
  readonly owned: readonly EniDescription[] | { readonly error: ErrorRecord };
  /** Skip EC2 work for ENIs whose attachment already has DeleteOnTermination, when the instance terminates. */
  readonly trustDeleteOnTermination: boolean;
  /** Mark DeleteOnTermination before detaching (time is short). */
  readonly shortOnTime: boolean;
  /** The terminate lifecycle hook to complete, for a notice from Auto Scaling. */
  readonly lifecycleHook?: { readonly hookName: string; readonly groupName?: string };
}

/**
 * True when the notice ends with the instance terminated, so an attachment's
 * DeleteOnTermination will fire. A stop (spot `stop`, `instance-stop`, and
 * `instance-retirement`, which stops EBS-backed instances) keeps the ENIs
 * attached and deletes nothing.
 */
export function endsInTermination(trigger: PlanTrigger): boolean {
  switch (trigger.kind) {
    case "spot-interruption":
      return trigger.action === "terminate";
    case "asg-terminating":
      return true;
    case "scheduled-event":
    case "rebalance-recommendation":
    case "manual":
      return false;
  }
}

export function buildReleasePlan(input: BuildPlanInput): ReleasePlanRecord {
  const terminating = endsInTermination(input.trigger);
  const listError = "error" in input.owned ? input.owned.error : undefined;
  const enis = "error" in input.owned ? [] : planEniSteps(input, input.owned, terminating);
  return {
    version: 1,
    key: input.trigger.key,
    notice: input.trigger,
    instanceId: input.instanceId,
    mode: input.mode,
    dryRun: input.dryRun,
    terminating,
    createdAtMs: input.nowMs,
    deadlineMs: input.deadlineMs,
    graceEndsAtMs: input.graceEndsAtMs,
    status: "running",
    restores: input.bound.map((b) => ({
      device: b.device,
      eniId: b.eniId,
      mac: b.mac ?? null,
      status: "pending",
    })),
    enis,
    ...(listError ? { listError } : {}),
    ...lifecycleStep(input),
    resumes: 0,
  };
}

/** A lifecycle step for an Auto Scaling notice when a hook is configured; none otherwise. */
function lifecycleStep(input: BuildPlanInput): { lifecycle?: LifecycleStep } {
  if (input.trigger.kind !== "asg-terminating" || input.lifecycleHook === undefined) return {};
  const { hookName, groupName } = input.lifecycleHook;
  return {
    lifecycle: { hookName, groupName: groupName ?? null, status: "pending", heartbeats: 0 },
  };
}

type EniPlanInput = Pick<
  BuildPlanInput,
  "bound" | "mode" | "trustDeleteOnTermination" | "shortOnTime"
>;

/** The ENI steps for the owned ENIs listed (and skip steps for bound devices of other ENIs). */
export function planEniSteps(
  input: EniPlanInput,
  listed: readonly EniDescription[],
  terminating: boolean,
): EniStep[] {
  const byId = new Map<EniId, string>();
  const byMac = new Map<string, string>();
  for (const b of input.bound) {
    if (b.eniId !== null) byId.set(b.eniId, b.device);
    else if (b.mac) byMac.set(b.mac.toLowerCase(), b.device);
  }
  const deviceOf = (eni: EniDescription): string | null =>
    byId.get(eni.eniId) ?? byMac.get(eni.macAddress?.toLowerCase() ?? "") ?? null;
  const owned = [...listed].sort(
    (a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0),
  );
  const enis = owned.map((eni) => ownedStep(eni, deviceOf(eni), input, terminating));
  const ownedIds = new Set(owned.map((e) => e.eniId));
  for (const b of input.bound) {
    if (b.eniId === null || ownedIds.has(b.eniId)) continue;
    enis.push(
      step(b.eniId, b.device, "skip", "not owned by this agent: restored, never detached", false),
    );
  }
  return enis;
}

function ownedStep(
  eni: EniDescription,
  device: string | null,
  input: EniPlanInput,
  terminating: boolean,
): EniStep {
  const dot = eni.attachment?.deleteOnTermination === true;
  const make = (action: EniStep["action"], reason: string, secureFirst = false): EniStep => ({
    ...step(eni.eniId, device, action, reason, dot),
    secureFirst,
  });
  if (eni.requesterManaged) return make("skip", "managed by another AWS service");
  if (isPrimaryAttachment(eni.attachment)) return make("skip", "the instance's primary ENI");
  switch (input.mode) {
    case "none":
      return make("skip", "release mode is none");
    case "detach":
      // Detaching drops the attachment and its DeleteOnTermination: the ENI is kept for reuse.
      return make("detach", "release mode is detach: kept for reuse");
    case "delete-on-termination":
      return dot
        ? make("covered", "DeleteOnTermination already set")
        : make("mark-delete-on-termination", "release mode is delete-on-termination");
    case "detach-and-delete":
      if (terminating && dot && input.trustDeleteOnTermination) {
        return make("covered", "DeleteOnTermination is set: EC2 deletes it with the instance");
      }
      return make(
        "detach-and-delete",
        "owned by this agent",
        terminating && !dot && input.shortOnTime,
      );
  }
}

function step(
  eniId: EniId,
  device: string | null,
  action: EniStep["action"],
  reason: string,
  deleteOnTermination: boolean,
): EniStep {
  const done = action === "skip" || action === "covered";
  return {
    eniId,
    device,
    action,
    reason,
    secureFirst: false,
    phase: done ? "done" : "pending",
    ...(done ? { outcome: action === "skip" ? "skipped" : "covered" } : {}),
    deleteOnTermination,
  };
}
