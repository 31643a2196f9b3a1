/**
 * What the AWS benchmarks share: a fake EC2 on loopback with the documented
 * buckets, instances seeded with owned ENIs, and agents (an SDK client, the
 * EC2 actions with their client-side buckets, a release plan on an in-memory
 * journal) as one host each would run them.
 */
import type { EC2Client } from "@aws-sdk/client-ec2";
import { Ec2Actions } from "../../src/aws/ec2-actions.js";
import { createEc2Client } from "../../src/aws/ec2-client.js";
import {
  type BoundDevice,
  type LifecycleHookDeps,
  MemoryReleasePlanStore,
  ReleasePlan,
  type ReleasePlanOptions,
} from "../../src/aws/release-plan/index.js";
import type { TerminationNotice } from "../../src/aws/termination-notice.js";
import type { EniId } from "../../src/common/index.js";
import { FakeEc2 } from "../../src/sim/aws/fake-ec2.js";
import { type SeededInstance, seedInstance } from "../../src/sim/aws/seed-instance.js";

export const OWNER_TAG = { key: "eni-agent:owner", value: "bench" };

export async function startFakeEc2(options: {
  latencyMs: number;
  throttleRate?: number;
  detachDelayMs?: number;
}): Promise<FakeEc2> {
  const ec2 = new FakeEc2({}, { detachDelayMs: options.detachDelayMs ?? 2000 });
  ec2.latencyMs = options.latencyMs;
  ec2.throttleRate = options.throttleRate ?? 0;
  await ec2.start(new AbortController().signal);
  return ec2;
}

export interface BenchAgent {
  readonly instance: SeededInstance;
  readonly client: EC2Client;
  readonly plan: ReleasePlan;
  /** Devices restored (a restore here takes no time: the driver benchmarks measure it). */
  readonly restored: string[];
}

/** One host's agent: its own SDK client, client-side buckets and plan. */
export function benchAgent(
  ec2: FakeEc2,
  instance: SeededInstance,
  options: ReleasePlanOptions = {},
  lifecycleHook?: LifecycleHookDeps,
): BenchAgent {
  const client = createEc2Client({
    region: "us-east-1",
    endpoint: ec2.url,
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "secret" },
  });
  const actions = new Ec2Actions(
    { client },
    { owner: { tagKey: OWNER_TAG.key, tagValue: OWNER_TAG.value } },
  );
  const bound: BoundDevice[] = instance.owned.map((eni, i) => ({
    device: `0000:00:${(6 + i).toString(16).padStart(2, "0")}.0`,
    eniId: eni.id as EniId,
  }));
  const restored: string[] = [];
  const plan = new ReleasePlan(
    {
      actions: () => actions,
      store: new MemoryReleasePlanStore(),
      instanceId: async () => instance.instanceId,
      boundDevices: async () => bound,
      restore: async (device) => {
        restored.push(device);
      },
      emit: () => {},
      ...(lifecycleHook ? { lifecycleHook } : {}),
    },
    { dpdkGraceMs: 0, ...options },
  );
  return { instance, client, plan, restored };
}

export function seed(ec2: FakeEc2, owned: number, deleteOnTermination = false): SeededInstance {
  return seedInstance(ec2.model, { ownerTag: OWNER_TAG, owned, deleteOnTermination });
}

/** A spot interruption `leadMs` ahead (AWS gives about two minutes). */
export function spotNotice(leadMs = 120_000): TerminationNotice {
  const now = Date.now();
  return {
    kind: "spot-interruption",
    key: "spot:terminate",
    action: "terminate",
    deadlineMs: now + leadMs,
    observedAtMs: now,
    triggersRelease: true,
  };
}
