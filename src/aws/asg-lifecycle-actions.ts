/**
 * The Auto Scaling calls about one instance's lifecycle action, thin over
 * the SDK: which group the instance is in and its lifecycle state,
 * RecordLifecycleActionHeartbeat and CompleteLifecycleAction by instance id
 * (no token: IMDS does not give it). Every call runs under a deadline and
 * its failure is classified once (aws-errors.ts): NOT_FOUND means no
 * lifecycle action of that hook waits for the instance.
 */
import {
  type AutoScalingClient,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingInstancesCommand,
  RecordLifecycleActionHeartbeatCommand,
} from "@aws-sdk/client-auto-scaling";
import { type Clock, wallClock } from "../common/index.js";
import { AUTO_SCALING_RULES, classifyAwsError } from "./aws-errors.js";
import { callAws, type Ec2CallOptions } from "./ec2-call.js";
import type { LifecycleActionResult } from "./release-plan/plan-record.js";

/** The results live with the plan's record, which the configuration reads without the SDK. */
export type { LifecycleActionResult };

/** Which lifecycle action: the instance's, of this hook, in this group. */
export interface LifecycleActionRef {
  readonly groupName: string;
  readonly hookName: string;
  readonly instanceId: string;
}

/** An instance as Auto Scaling describes it. */
export interface AsgInstance {
  readonly groupName: string;
  /** "InService", "Terminating", "Terminating:Wait", "Terminating:Proceed", "Warmed:…", … */
  readonly lifecycleState: string;
}

interface AsgLifecycleActionsDeps {
  readonly client: AutoScalingClient;
  /** Epoch ms (the deadlines' unit). Default wallClock. */
  readonly clock?: Clock;
}

export class AsgLifecycleActions {
  private readonly client: AutoScalingClient;
  private readonly clock: Clock;

  constructor(deps: AsgLifecycleActionsDeps) {
    this.client = deps.client;
    this.clock = deps.clock ?? wallClock;
  }

  /** The instance's group and lifecycle state; undefined when it is in no group. */
  async describeInstance(
    instanceId: string,
    call: Ec2CallOptions,
  ): Promise<AsgInstance | undefined> {
    const out = await this.call("DescribeAutoScalingInstances", call, (abortSignal) =>
      this.client.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }), {
        abortSignal,
      }),
    );
    const found = out.AutoScalingInstances?.find((i) => i.InstanceId === instanceId);
    if (found?.AutoScalingGroupName === undefined) return undefined;
    return { groupName: found.AutoScalingGroupName, lifecycleState: found.LifecycleState ?? "" };
  }

  /** Restarts the action's heartbeat timeout. NOT_FOUND: no action of the hook waits. */
  async heartbeat(ref: LifecycleActionRef, call: Ec2CallOptions): Promise<void> {
    await this.call("RecordLifecycleActionHeartbeat", call, (abortSignal) =>
      this.client.send(
        new RecordLifecycleActionHeartbeatCommand({
          AutoScalingGroupName: ref.groupName,
          LifecycleHookName: ref.hookName,
          InstanceId: ref.instanceId,
        }),
        { abortSignal },
      ),
    );
  }

  /** Ends the action with `result`. NOT_FOUND: no action of the hook waits (any more). */
  async complete(
    ref: LifecycleActionRef,
    result: LifecycleActionResult,
    call: Ec2CallOptions,
  ): Promise<void> {
    await this.call("CompleteLifecycleAction", call, (abortSignal) =>
      this.client.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: ref.groupName,
          LifecycleHookName: ref.hookName,
          InstanceId: ref.instanceId,
          LifecycleActionResult: result,
        }),
        { abortSignal },
      ),
    );
  }

  private call<T>(
    action: string,
    call: Ec2CallOptions,
    send: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    return callAws(this.clock, action, call, send, (err) =>
      classifyAwsError(err, AUTO_SCALING_RULES, "Auto Scaling", action),
    );
  }
}
