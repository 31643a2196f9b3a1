/**
 * The state behind the fake Auto Scaling endpoint: groups, their lifecycle
 * hooks, the instances in them and the lifecycle actions that hold an
 * instance in a wait state, with Auto Scaling's rules and answers. Time is
 * derived, not driven by timers (as in the fake EC2): every read settles the
 * actions whose heartbeat or global timeout has passed, with the hook's
 * default result.
 *
 * The answers (checked against public reports, see docs/aws.md): every
 * lifecycle problem is ValidationError; "No active Lifecycle Action found
 * with instance ID i-…" when no action of that hook waits for that instance
 * (not in a wait state, completed, timed out, or another hook's name);
 * "AutoScalingGroup name not found - AutoScalingGroup <name> not found" for
 * an unknown group.
 */
import { randomUUID } from "node:crypto";

/** An Auto Scaling API error as the wire carries it (awsQuery). */
export class AutoScalingFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type LifecycleTransition =
  | "autoscaling:EC2_INSTANCE_TERMINATING"
  | "autoscaling:EC2_INSTANCE_LAUNCHING";
type LifecycleResult = "CONTINUE" | "ABANDON";

export interface FakeLifecycleHook {
  readonly name: string;
  readonly transition: LifecycleTransition;
  /** The wait ends with `defaultResult` this long after the last heartbeat. Default 3600 s. */
  readonly heartbeatTimeoutMs: number;
  readonly defaultResult: LifecycleResult;
}

interface FakeLifecycleAction {
  readonly group: string;
  readonly hook: string;
  readonly instanceId: string;
  readonly token: string;
  readonly startedAtMs: number;
  /** Moved by every heartbeat; the action times out here. */
  timeoutAtMs: number;
  /** Heartbeats cannot move the timeout past this: 100 × the heartbeat timeout, at most 48 h. */
  readonly globalTimeoutAtMs: number;
  heartbeats: number;
  ended?: {
    readonly result: LifecycleResult;
    readonly by: "completed" | "timeout";
    readonly atMs: number;
  };
}

interface FakeAsgInstance {
  readonly instanceId: string;
  readonly group: string;
  lifecycleState: string;
}

const HOUR_MS = 3_600_000;

export class FakeAutoScalingModel {
  readonly groups = new Map<string, Map<string, FakeLifecycleHook>>();
  readonly instances = new Map<string, FakeAsgInstance>();
  readonly actions: FakeLifecycleAction[] = [];

  constructor(private readonly now: () => number) {}

  /** A group with its hooks (none: terminations do not wait). */
  createGroup(name: string, hooks: readonly Partial<FakeLifecycleHook>[] = []): void {
    const byName = new Map<string, FakeLifecycleHook>();
    for (const h of hooks) {
      const hook: FakeLifecycleHook = {
        name: h.name ?? "eni-agent-drain",
        transition: h.transition ?? "autoscaling:EC2_INSTANCE_TERMINATING",
        heartbeatTimeoutMs: h.heartbeatTimeoutMs ?? HOUR_MS,
        defaultResult: h.defaultResult ?? "ABANDON",
      };
      byName.set(hook.name, hook);
    }
    this.groups.set(name, byName);
  }

  addInstance(group: string, instanceId: string): void {
    this.requireGroup(group);
    this.instances.set(instanceId, { instanceId, group, lifecycleState: "InService" });
  }

  /**
   * Scale-in picks the instance: with terminate hooks it waits
   * (Terminating:Wait, one action per hook), else it proceeds at once.
   */
  startTermination(instanceId: string): void {
    this.settle();
    const instance = this.instances.get(instanceId);
    if (instance?.lifecycleState !== "InService") return;
    const hooks = [...(this.groups.get(instance.group)?.values() ?? [])].filter(
      (h) => h.transition === "autoscaling:EC2_INSTANCE_TERMINATING",
    );
    if (hooks.length === 0) {
      instance.lifecycleState = "Terminating:Proceed";
      return;
    }
    const now = this.now();
    instance.lifecycleState = "Terminating:Wait";
    for (const hook of hooks) {
      this.actions.push({
        group: instance.group,
        hook: hook.name,
        instanceId,
        token: randomUUID(),
        startedAtMs: now,
        timeoutAtMs: now + hook.heartbeatTimeoutMs,
        globalTimeoutAtMs: now + Math.min(100 * hook.heartbeatTimeoutMs, 48 * HOUR_MS),
        heartbeats: 0,
      });
    }
  }

  /** Ends the actions whose timeout passed, with their hook's default result. */
  settle(): void {
    const now = this.now();
    for (const action of this.actions) {
      if (action.ended || now < Math.min(action.timeoutAtMs, action.globalTimeoutAtMs)) continue;
      const hook = this.groups.get(action.group)?.get(action.hook);
      action.ended = {
        result: hook?.defaultResult ?? "ABANDON",
        by: "timeout",
        atMs: Math.min(action.timeoutAtMs, action.globalTimeoutAtMs),
      };
      this.proceedIfDone(action.instanceId);
    }
  }

  recordHeartbeat(group: string, hook: string, instanceId: string, token: string): void {
    const action = this.activeAction(group, hook, instanceId, token);
    action.heartbeats += 1;
    const hookSpec = this.groups.get(group)?.get(hook);
    action.timeoutAtMs = Math.min(
      this.now() + (hookSpec?.heartbeatTimeoutMs ?? HOUR_MS),
      action.globalTimeoutAtMs,
    );
  }

  complete(group: string, hook: string, instanceId: string, token: string, result: string): void {
    this.requireGroup(group);
    if (result !== "CONTINUE" && result !== "ABANDON") {
      throw new AutoScalingFault(
        "ValidationError",
        "LifecycleActionResult must be either CONTINUE or ABANDON",
      );
    }
    const action = this.activeAction(group, hook, instanceId, token);
    action.ended = { result, by: "completed", atMs: this.now() };
    this.proceedIfDone(action.instanceId);
  }

  describeInstances(ids: readonly string[]): FakeAsgInstance[] {
    this.settle();
    const all = [...this.instances.values()];
    return ids.length === 0 ? all : all.filter((i) => ids.includes(i.instanceId));
  }

  private activeAction(
    group: string,
    hook: string,
    instanceId: string,
    token: string,
  ): FakeLifecycleAction {
    this.requireGroup(group);
    if (instanceId === "" && token === "") {
      throw new AutoScalingFault(
        "ValidationError",
        "Either LifecycleActionToken or InstanceId must be specified",
      );
    }
    this.settle();
    const action = this.actions.find(
      (a) =>
        !a.ended &&
        a.group === group &&
        a.hook === hook &&
        (instanceId === "" || a.instanceId === instanceId) &&
        (token === "" || a.token === token),
    );
    if (action) return action;
    throw new AutoScalingFault(
      "ValidationError",
      token !== ""
        ? `No active Lifecycle Action found with token ${token}`
        : `No active Lifecycle Action found with instance ID ${instanceId}`,
    );
  }

  private proceedIfDone(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    const waiting = this.actions.some((a) => a.instanceId === instanceId && !a.ended);
    if (instance && !waiting && instance.lifecycleState.endsWith("Terminating:Wait")) {
      instance.lifecycleState = instance.lifecycleState.replace(":Wait", ":Proceed");
    }
  }

  private requireGroup(group: string): void {
    if (!this.groups.has(group)) {
      throw new AutoScalingFault(
        "ValidationError",
        `AutoScalingGroup name not found - AutoScalingGroup ${group} not found`,
      );
    }
  }
}
