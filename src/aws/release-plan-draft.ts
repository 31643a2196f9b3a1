/**
 * Drafts a release plan: reads what the host and EC2 say at notice time
 * (the devices DPDK holds, this instance's id, the owned ENIs attached here)
 * and turns it into a record with buildReleasePlan. Nothing is changed and
 * nothing journaled. A part that cannot be read becomes an error in the
 * record, never a reason to plan nothing: restores do not wait for EC2.
 */
import { toAgentError } from "../common/index.js";
import type { EniDescription } from "./eni-description.js";
import { buildReleasePlan, endsInTermination } from "./release-plan-build.js";
import type { ReleasePlanEnv } from "./release-plan-config.js";
import { eniWorkContext, withRetries } from "./release-plan-eni.js";
import type {
  BoundDevice,
  ErrorRecord,
  PlanTrigger,
  ReleasePlanRecord,
} from "./release-plan-types.js";

export interface DraftedPlan {
  readonly record: ReleasePlanRecord;
  /** The owned ENIs as just listed (saves re-describes); undefined when the listing failed. */
  readonly listed: readonly EniDescription[] | undefined;
}

export async function draftReleasePlan(
  env: ReleasePlanEnv,
  trigger: PlanTrigger,
  dryRun: boolean,
): Promise<DraftedPlan> {
  const { deps, settings: s, clock } = env;
  const nowMs = clock.now();
  const deadlineMs = trigger.deadlineMs ?? nowMs + s.defaultDeadlineMs;
  const workDeadlineMs = deadlineMs - s.deadlineMarginMs;
  const graceMs = Math.min(s.graceMs, Math.max(0, workDeadlineMs - nowMs - s.workReserveMs));
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
    const call = { deadlineMs: Math.min(workDeadlineMs, nowMs + s.listBudgetMs) };
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
    graceEndsAtMs: nowMs + graceMs,
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
