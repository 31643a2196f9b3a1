/**
 * A fleet's Auto Scaling scale-in, in one process: N agents, each with its
 * own EC2 and Auto Scaling SDK clients and release plan (daemon defaults, a
 * terminate lifecycle hook configured), against one fake EC2 enforcing the
 * per-account buckets and one fake Auto Scaling holding every instance in
 * Terminating:Wait. Every agent sees IMDS's `Terminated` at the same moment;
 * each plan heartbeats and completes its action. Measured per agent: notice
 * → CompleteLifecycleAction accepted, and whether that came before the
 * hook's timeout; at the end, as Auto Scaling terminates each instance once
 * its action ended, the owned ENIs left behind (orphans).
 */
import { AsgLifecycleActions } from "../../src/aws/asg-lifecycle-actions.js";
import { createAutoScalingClient } from "../../src/aws/autoscaling-client.js";
import type { TerminationNotice } from "../../src/aws/termination-notice.js";
import { FakeAutoScaling } from "../../src/sim/aws/fake-autoscaling.js";
import { benchAgent, seed, startFakeEc2 } from "./release-support.js";

export interface LifecycleFleetOutcome {
  agents: number;
  deleteOnTermination: boolean;
  enis: number;
  orphans: number;
  completedBeforeTimeout: number;
  timedOut: number;
  heartbeats: number;
  plansSucceeded: number;
  autoScalingRequests: number;
  autoScalingErrors: number;
  /** Per agent: notice → its CompleteLifecycleAction accepted, ms. */
  completeMs: number[];
}

const GROUP = "bench-fleet";
const HOOK = "eni-agent-drain";

export async function simulateLifecycleFleet(
  agents: number,
  enisPerAgent: number,
  deleteOnTermination: boolean,
  hookTimeoutMs: number,
): Promise<LifecycleFleetOutcome> {
  const ec2 = await startFakeEc2({ latencyMs: 20 });
  const asg = new FakeAutoScaling();
  asg.latencyMs = 20;
  await asg.start(new AbortController().signal);
  asg.model.createGroup(GROUP, [{ name: HOOK, heartbeatTimeoutMs: hookTimeoutMs }]);
  const fleet = Array.from({ length: agents }, () => {
    const instance = seed(ec2, enisPerAgent, deleteOnTermination);
    asg.model.addInstance(GROUP, instance.instanceId);
    const client = createAutoScalingClient({
      region: "us-east-1",
      endpoint: asg.url,
      credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "secret" },
    });
    const actions = new AsgLifecycleActions({ client });
    const agent = benchAgent(
      ec2,
      instance,
      { dpdkGraceMs: 5_000, deadlineMarginMs: 5_000 },
      {
        hookName: HOOK,
        onFailure: "CONTINUE",
        // The daemon: half of termination.asgLifecycleHookTimeoutMs; the group from the IMDS tag.
        heartbeatIntervalMs: Math.floor(hookTimeoutMs / 2),
        actions: () => actions,
        groupFromMetadata: async () => GROUP,
      },
    );
    return { ...agent, asgClient: client };
  });
  const t0 = Date.now();
  for (const agent of fleet) asg.model.startTermination(agent.instance.instanceId);
  // The watcher dates the state change one poll interval (5 s) before its sighting.
  const notice: TerminationNotice = {
    kind: "asg-terminating",
    key: "asg:Terminated",
    state: "Terminated",
    deadlineMs: t0 + hookTimeoutMs - 5_000,
    observedAtMs: t0,
    triggersRelease: true,
  };
  const results = await Promise.all(fleet.map((agent) => agent.plan.run(notice)));
  // Auto Scaling terminates each instance once its action ended: completed,
  // or at the hook's timeout.
  while (asg.model.actions.some((a) => a.ended === undefined)) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    asg.model.settle();
  }
  for (const agent of fleet) ec2.model.terminateInstance(agent.instance.instanceId);
  const owned = fleet.flatMap((a) => a.instance.owned.map((e) => e.id));
  const ended = asg.model.actions.map((a) => a.ended!);
  const completed = ended.filter((e) => e.by === "completed");
  for (const agent of fleet) {
    agent.client.destroy();
    agent.asgClient.destroy();
  }
  await Promise.all([ec2.stop(), asg.stop()]);
  return {
    agents,
    deleteOnTermination,
    enis: owned.length,
    orphans: owned.filter((id) => ec2.model.enis.has(id)).length,
    completedBeforeTimeout: completed.filter((e) => e.atMs - t0 < hookTimeoutMs).length,
    timedOut: ended.filter((e) => e.by === "timeout").length,
    heartbeats: asg.model.actions.reduce((n, a) => n + a.heartbeats, 0),
    plansSucceeded: results.filter((r) => r.plan.status === "succeeded").length,
    autoScalingRequests: asg.requests.length,
    autoScalingErrors: asg.requests.filter((r) => r.errorCode !== undefined).length,
    completeMs: completed.map((e) => e.atMs - t0),
  };
}
