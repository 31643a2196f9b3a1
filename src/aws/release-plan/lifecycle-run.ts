/**
 * The Auto Scaling half of a plan for a notice from Auto Scaling: with a
 * terminate lifecycle hook the instance waits in Terminating:Wait until
 * CompleteLifecycleAction or the hook's timeout (an hour by default), so
 * the plan keeps the action alive with heartbeats while it runs and
 * completes it when it ends: CONTINUE, or the configured result when the
 * plan failed. The group comes from the configuration, else the instance's
 * aws:autoscaling:groupName tag in IMDS, else DescribeAutoScalingInstances.
 *
 * IMDS may say Terminated a moment before Auto Scaling has the action: a
 * completion answered "no active action" while the instance is still
 * InService or Terminating is retried; in any other state nothing waits
 * (another party completed it, or it timed out) unless the instance sits in
 * a wait state, which means the configured hook is not the one holding it.
 * The outcome is journaled, so a resumed plan never completes twice.
 */
import { AgentError, toAgentError } from "../../common/index.js";
import type {
  AsgLifecycleActions,
  LifecycleActionRef,
  LifecycleActionResult,
} from "../asg-lifecycle-actions.js";
import type { Ec2CallOptions } from "../ec2-call.js";
import { withRetries } from "./eni-release.js";
import type { LifecycleStep, ReleasePlanRecord } from "./plan-record.js";
import type { LifecycleHookDeps, ReleasePlanEnv } from "./release-plan.js";

/** A completion may run past the plan's deadline (heartbeats kept the action alive) by this much, in ms. */
const COMPLETION_BUDGET_MS = 30_000;

/** States in which Auto Scaling may not have the lifecycle action yet. */
const NOT_WAITING_YET = new Set(["InService", "Terminating", "Warmed:Terminating"]);

export class LifecycleRun {
  private readonly stopping = new AbortController();
  private heartbeats: Promise<void> | undefined;

  constructor(
    private readonly env: ReleasePlanEnv,
    private readonly hook: LifecycleHookDeps,
    private readonly record: ReleasePlanRecord,
    private readonly step: LifecycleStep,
    /** Reports and journals the step after a change. */
    private readonly update: (step: LifecycleStep) => Promise<void>,
    private readonly signal: AbortSignal,
  ) {}

  /** Heartbeats every interval until complete() or stop(). Failures are noted, never thrown. */
  startHeartbeats(): void {
    if (this.step.status !== "pending") return;
    this.heartbeats = this.beat(AbortSignal.any([this.signal, this.stopping.signal]));
  }

  /**
   * Stops the heartbeats, letting one in flight end (so none overlaps the
   * completion). The step stays pending for complete() or the next start.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.heartbeats;
  }

  /** Stops the heartbeats and completes the action; the step says how it went. */
  async complete(planFailed: boolean): Promise<void> {
    await this.stop();
    const { step, env } = this;
    if (step.status !== "pending" || this.signal.aborted) return;
    const result: LifecycleActionResult = planFailed ? this.hook.onFailure : "CONTINUE";
    const call = {
      deadlineMs: Math.max(this.record.deadlineMs, env.clock.now() + COMPLETION_BUDGET_MS),
      signal: this.signal,
    };
    try {
      const actions = await this.hook.actions();
      const retry = { baseMs: env.settings.retryBaseDelayMs, capMs: env.settings.retryMaxDelayMs };
      step.status = await withRetries({ call, clock: env.clock, retry }, async () =>
        this.completeOnce(actions, await this.ref(actions, call), result, call),
      );
      if (step.status === "completed") {
        step.result = result;
        step.completedAtMs = env.clock.now();
      }
      step.error = undefined;
    } catch (err) {
      if (this.signal.aborted) return;
      step.status = "failed";
      step.error = toAgentError(err).toJSON();
    }
    await this.update(step);
  }

  private async completeOnce(
    actions: AsgLifecycleActions,
    ref: LifecycleActionRef,
    result: LifecycleActionResult,
    call: Ec2CallOptions,
  ): Promise<"completed" | "not-waiting"> {
    try {
      await actions.complete(ref, result, call);
      return "completed";
    } catch (err) {
      const error = toAgentError(err);
      if (error.code !== "NOT_FOUND") throw error;
      const state = (await actions.describeInstance(ref.instanceId, call))?.lifecycleState;
      if (state?.endsWith(":Wait")) {
        throw new AgentError(
          "FAILED_PRECONDITION",
          `${ref.instanceId} waits in ${state}, but hook ${ref.hookName} of ${ref.groupName} has no lifecycle action for it`,
          {
            awsCode: error.awsCode,
            remedy: "set autoScaling.lifecycleHook.name to the group's terminate hook",
          },
        );
      }
      if (state !== undefined && NOT_WAITING_YET.has(state)) {
        // Transient (ABORTED with an AWS code): the action is about to start.
        throw new AgentError("ABORTED", `${ref.instanceId} is ${state}: no lifecycle action yet`, {
          awsCode: error.awsCode,
          cause: error,
        });
      }
      return "not-waiting";
    }
  }

  private async beat(stopped: AbortSignal): Promise<void> {
    const { step, env, hook, signal } = this;
    for (;;) {
      try {
        await env.clock.sleep(hook.heartbeatIntervalMs, stopped);
      } catch {
        return;
      }
      try {
        const call = { deadlineMs: env.clock.now() + hook.heartbeatIntervalMs, signal };
        const actions = await hook.actions();
        await actions.heartbeat(await this.ref(actions, call), call);
        step.heartbeats += 1;
        step.heartbeatError = undefined;
      } catch (err) {
        if (signal.aborted) return;
        // Not waiting yet, throttled, denied: the completion decides; the plan goes on.
        step.heartbeatError = toAgentError(err).toJSON();
      }
      await this.update(step);
    }
  }

  /** The action's reference, finding the group the first time (and keeping it in the step). */
  private async ref(
    actions: AsgLifecycleActions,
    call: Ec2CallOptions,
  ): Promise<LifecycleActionRef> {
    const { step, record, hook } = this;
    step.groupName ??=
      hook.groupName ??
      (await hook.groupFromMetadata?.(call.signal ?? this.signal)) ??
      (await actions.describeInstance(record.instanceId, call))?.groupName ??
      null;
    if (step.groupName === null) {
      throw new AgentError("NOT_FOUND", `${record.instanceId} is in no Auto Scaling group`, {
        remedy: "set autoScaling.lifecycleHook.groupName, or enable instance tags in metadata",
      });
    }
    return { groupName: step.groupName, hookName: step.hookName, instanceId: record.instanceId };
  }
}
