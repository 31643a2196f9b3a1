/**
 * A host for release plan tests: a fake EC2 (real SDK over loopback) holding
 * an instance with owned and foreign ENIs, a table of devices DPDK holds, and
 * a ReleasePlan wired to both with short, scaled-down timings.
 */

import { AsgLifecycleActions } from "../../src/aws/asg-lifecycle-actions.js";
import { createAutoScalingClient } from "../../src/aws/autoscaling-client.js";
import type { Ec2ActionsOptions } from "../../src/aws/ec2-actions.js";
import {
  type BoundDevice,
  buildReleasePlan,
  type LifecycleHookDeps,
  type ManualTrigger,
  MemoryReleasePlanStore,
  ReleasePlan,
  type ReleasePlanEvent,
  type ReleasePlanOptions,
  type ReleasePlanRecord,
  type ReleasePlanStore,
} from "../../src/aws/release-plan/index.js";
import type { TerminationNotice } from "../../src/aws/termination-notice.js";
import { AgentError, type Clock, type EniId } from "../../src/common/index.js";
import { FakeAutoScaling } from "../../src/sim/aws/fake-autoscaling.js";
import type { FakeLifecycleHook } from "../../src/sim/aws/fake-autoscaling-model.js";
import type { FakeEc2Deps, FakeEc2Options } from "../../src/sim/aws/fake-ec2.js";
import { seedInstance } from "../../src/sim/aws/seed-instance.js";
import { OWNER, startEc2, type Teardown } from "./helpers.js";

export const OWNER_TAG = { key: OWNER.tagKey, value: OWNER.tagValue };

export interface ReleaseHostOptions {
  owned?: number;
  notOwned?: number;
  /** How many owned ENIs (from the first) DPDK holds. Default all. */
  boundOwned?: number;
  /** Whether the foreign ENIs' devices are DPDK-bound too. Default true. */
  boundNotOwned?: boolean;
  deleteOnTermination?: boolean;
  fake?: FakeEc2Options;
  fakeDeps?: FakeEc2Deps | undefined;
  actions?: Partial<Ec2ActionsOptions>;
  plan?: ReleasePlanOptions;
  store?: ReleasePlanStore;
  /** Devices whose restore fails. */
  failRestore?: readonly string[];
  /** The agent has not read the ENI ids yet (IMDS): bound devices are known by MAC only. */
  eniIdsUnknown?: boolean;
  /** Called as each restore starts, before the device moves (to see what EC2 saw by then). */
  onRestore?: (device: string) => void;
  /** Sees every event as the plan emits it, synchronously. */
  onEvent?: (event: ReleasePlanEvent) => void;
  /** When this host booted, from its clock. Default: long before the test. */
  bootedAtMs?: (clock: Clock) => number;
  /**
   * The instance is in an Auto Scaling group (a fake on the same clock) with
   * a terminate hook, and the plan completes its lifecycle actions.
   */
  lifecycle?: {
    hook?: Partial<FakeLifecycleHook>;
    deps?: Partial<Omit<LifecycleHookDeps, "actions">>;
  };
}

export const ASG_GROUP = "dpdk-workers";
export const ASG_HOOK = "eni-agent-drain";

/** The PCI address the fixture gives the device of the ENI at `deviceIndex`. */
export function pciOf(deviceIndex: number): string {
  return `0000:00:${(5 + deviceIndex).toString(16).padStart(2, "0")}.0`;
}

export async function releaseHost(t: Teardown, options: ReleaseHostOptions = {}) {
  const env = await startEc2(t, {
    fake: { detachDelayMs: 2_000, ...options.fake },
    fakeDeps: options.fakeDeps,
    actions: { waitBaseDelayMs: 10, waitMaxDelayMs: 40, ...options.actions },
  });
  const seeded = seedInstance(env.ec2.model, {
    ownerTag: OWNER_TAG,
    owned: options.owned ?? 3,
    notOwned: options.notOwned ?? 1,
    deleteOnTermination: options.deleteOnTermination ?? false,
  });
  /** device → ENI, for devices a DPDK driver holds. */
  const bound = new Map<string, EniId>();
  const macOf = new Map([...seeded.owned, ...seeded.notOwned].map((e) => [e.id, e.mac]));
  const boundOwned = options.boundOwned ?? seeded.owned.length;
  const enis = [
    ...seeded.owned.slice(0, boundOwned).map((eni, i) => [i + 1, eni] as const),
    ...((options.boundNotOwned ?? true)
      ? seeded.notOwned.map((eni, i) => [seeded.owned.length + i + 1, eni] as const)
      : []),
  ];
  for (const [index, eni] of enis) bound.set(pciOf(index), eni.id as EniId);
  const asg =
    options.lifecycle && (await startAsg(t, env.clock, seeded.instanceId, options.lifecycle));
  const restored: string[] = [];
  const events: ReleasePlanEvent[] = [];
  const store = options.store ?? new MemoryReleasePlanStore();
  const failing = new Set(options.failRestore ?? []);
  const plan = new ReleasePlan(
    {
      actions: () => env.actions,
      store,
      instanceId: async () => seeded.instanceId,
      boundDevices: async () =>
        [...bound].map(([device, eniId]) => ({
          device,
          eniId: options.eniIdsUnknown ? null : eniId,
          mac: macOf.get(eniId) ?? null,
        })),
      restore: async (device) => {
        options.onRestore?.(device);
        if (failing.has(device)) {
          throw new AgentError("INTERNAL", `restore of ${device} failed`, { device });
        }
        restored.push(device);
        bound.delete(device);
      },
      emit: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
      clock: env.clock,
      bootedAtMs: options.bootedAtMs?.(env.clock) ?? 0,
      ...(asg ? { lifecycleHook: asg.deps } : {}),
    },
    {
      // The daemon's timings: the clock is virtual, so they cost no wall time.
      dpdkGraceMs: 5_000,
      workReserveMs: 30_000,
      deadlineMarginMs: 5_000,
      // Plenty of time unless a test says otherwise (a 60 s deadline is "short" by default).
      secureFirstBelowMs: 0,
      ...options.plan,
    },
  );
  const now = () => env.clock.now();
  return {
    ...env,
    ...seeded,
    bound,
    restored,
    events,
    store,
    plan,
    asg: asg?.fake,
    /** An Auto Scaling notice: the hook's timeout from now. */
    asgTerminated: (hookTimeoutMs = 120_000): TerminationNotice => ({
      kind: "asg-terminating",
      key: "asg:Terminated",
      state: "Terminated",
      deadlineMs: now() + hookTimeoutMs,
      observedAtMs: now(),
      triggersRelease: true,
    }),
    /** A spot notice `leadMs` ahead of this host's clock. */
    spot: (leadMs = 120_000, action: "terminate" | "stop" = "terminate") =>
      spotNotice(leadMs, action, now()),
    manual: (leadMs = 120_000) => manualTrigger(leadMs, now()),
  };
}

/** A fake Auto Scaling with the instance in a group with a terminate hook, and the plan's wiring. */
async function startAsg(
  t: Teardown,
  clock: Clock,
  instanceId: string,
  options: NonNullable<ReleaseHostOptions["lifecycle"]>,
) {
  const fake = new FakeAutoScaling({ clock });
  await fake.start(AbortSignal.timeout(60_000));
  t.teardown(() => fake.stop());
  const client = createAutoScalingClient({
    region: "us-east-1",
    endpoint: fake.url,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  t.teardown(() => client.destroy());
  fake.model.createGroup(ASG_GROUP, [{ name: ASG_HOOK, ...options.hook }]);
  fake.model.addInstance(ASG_GROUP, instanceId);
  const actions = new AsgLifecycleActions({ client, clock });
  const deps: LifecycleHookDeps = {
    hookName: ASG_HOOK,
    onFailure: "CONTINUE",
    heartbeatIntervalMs: 30_000,
    actions: () => actions,
    ...options.deps,
  };
  return { fake, deps };
}

export function spotNotice(
  leadMs: number,
  action: "terminate" | "stop",
  nowMs: number,
): TerminationNotice & { readonly deadlineMs: number } {
  return {
    kind: "spot-interruption",
    key: `spot:${action}`,
    action,
    deadlineMs: nowMs + leadMs,
    observedAtMs: nowMs,
    triggersRelease: true,
  };
}

export function manualTrigger(leadMs = 120_000, nowMs = Date.now()): ManualTrigger {
  return {
    kind: "manual",
    key: `manual:${Math.random().toString(16).slice(2)}`,
    deadlineMs: nowMs + leadMs,
    observedAtMs: nowMs,
    triggersRelease: true,
  };
}

/** A freshly built record for a manual trigger, with no owned ENIs listed. */
export function sampleRecord(
  options: { key?: string; bound?: readonly BoundDevice[]; dryRun?: boolean } = {},
): ReleasePlanRecord {
  const trigger = { ...manualTrigger(), ...(options.key ? { key: options.key } : {}) };
  return buildReleasePlan({
    trigger,
    instanceId: "i-0123456789abcdef0",
    mode: "detach-and-delete",
    dryRun: options.dryRun ?? false,
    nowMs: 1_000,
    deadlineMs: 121_000,
    graceEndsAtMs: 6_000,
    bound: options.bound ?? [],
    owned: [],
    trustDeleteOnTermination: true,
    shortOnTime: false,
  });
}

/** Requests that change EC2 state (any answer). */
export const MUTATING = new Set([
  "DetachNetworkInterface",
  "DeleteNetworkInterface",
  "ModifyNetworkInterfaceAttribute",
  "CreateTags",
]);
