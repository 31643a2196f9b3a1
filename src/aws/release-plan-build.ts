/**
 * Builds a release plan from what the host and EC2 say at notice time: the
 * devices to hand back to the kernel, and what to do in EC2 with each ENI
 * the agent owns. Pure: no I/O, so every rule is testable on its own.
 */
import type { EniId } from "../common/index.js";
import { type EniDescription, isPrimaryAttachment } from "./eni-description.js";
import type {
  BoundDevice,
  EniReleaseMode,
  EniStep,
  ErrorRecord,
  LifecycleStep,
  PlanTrigger,
  ReleasePlanRecord,
} from "./release-plan-types.js";

export interface BuildPlanInput {
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
    restores: input.bound.map((b) => ({ device: b.device, eniId: b.eniId, status: "pending" })),
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

export type EniPlanInput = Pick<
  BuildPlanInput,
  "bound" | "mode" | "trustDeleteOnTermination" | "shortOnTime"
>;

/** The ENI steps for the owned ENIs listed (and skip steps for bound devices of other ENIs). */
export function planEniSteps(
  input: EniPlanInput,
  listed: readonly EniDescription[],
  terminating: boolean,
): EniStep[] {
  const deviceOf = new Map<EniId, string>();
  for (const b of input.bound) if (b.eniId !== null) deviceOf.set(b.eniId, b.device);
  const owned = [...listed].sort(
    (a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0),
  );
  const enis = owned.map((eni) =>
    ownedStep(eni, deviceOf.get(eni.eniId) ?? null, input, terminating),
  );
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
