/**
 * Auto Scaling lifecycle actions (issue 12): a terminating instance with a
 * terminate hook waits in Terminating:Wait until CompleteLifecycleAction or
 * the hook's timeout. The plan heartbeats while it runs and completes the
 * action when it ends, once, whatever Auto Scaling answers on the way.
 */
import t from "tap";
import { MemoryReleasePlanStore } from "../../src/aws/release-plan/index.js";
import { ASG_GROUP, ASG_HOOK, pciOf, releaseHost } from "./release-fixture.js";

const completions = (host: { asg: { requests: { action: string }[] } | undefined }) =>
  host.asg?.requests.filter((r) => r.action === "CompleteLifecycleAction") ?? [];

t.test(
  "an ASG termination is completed with CONTINUE after the plan, with heartbeats",
  async (t) => {
    const host = await releaseHost(t, {
      owned: 2,
      notOwned: 0,
      lifecycle: {
        hook: { heartbeatTimeoutMs: 60_000 },
        deps: { groupName: ASG_GROUP, heartbeatIntervalMs: 2_000 },
      },
    });
    host.asg!.model.startTermination(host.instanceId);
    const result = await host.plan.run(host.asgTerminated(60_000));
    t.equal(result.plan.status, "succeeded");
    const action = host.asg!.model.actions[0]!;
    t.match(action.ended, { result: "CONTINUE", by: "completed" }, "completed, not timed out");
    t.ok(action.ended!.atMs < action.startedAtMs + 60_000, "before the hook's timeout");
    t.ok(action.heartbeats >= 2, `${action.heartbeats} heartbeats while the plan ran`);
    t.match(result.plan.lifecycle, {
      hookName: ASG_HOOK,
      groupName: ASG_GROUP,
      status: "completed",
      result: "CONTINUE",
    });
    t.equal(result.plan.lifecycle?.heartbeats, action.heartbeats);
    for (const eni of host.owned) t.notOk(host.ec2.model.enis.has(eni.id), `${eni.id} released`);
    t.ok(
      host.events.findIndex((e) => e.type === "lifecycle" && e.step.status === "completed") >
        host.events.findLastIndex((e) => e.type === "eni"),
      "after the last ENI step",
    );
    t.equal(host.restored.length, 2);
    const again = await host.plan.run(host.asgTerminated(60_000));
    t.equal(again.run, "already-finished");
    t.equal(completions(host).length, 1, "completed once");
  },
);

t.test("the group comes from IMDS tags, else from DescribeAutoScalingInstances", async (t) => {
  const tagged = await releaseHost(t, {
    owned: 1,
    notOwned: 0,
    lifecycle: { deps: { groupFromMetadata: async () => ASG_GROUP } },
  });
  tagged.asg!.model.startTermination(tagged.instanceId);
  const a = await tagged.plan.run(tagged.asgTerminated());
  t.match(a.plan.lifecycle, { groupName: ASG_GROUP, status: "completed" });
  const calls = (host: typeof tagged) =>
    host.asg!.requests.map((r) => r.action).filter((a) => a !== "RecordLifecycleActionHeartbeat");
  t.same(calls(tagged), ["CompleteLifecycleAction"], "the tag named the group: no describe");

  const untagged = await releaseHost(t, {
    owned: 1,
    notOwned: 0,
    lifecycle: { deps: { groupFromMetadata: async () => undefined } },
  });
  untagged.asg!.model.startTermination(untagged.instanceId);
  const b = await untagged.plan.run(untagged.asgTerminated());
  t.match(b.plan.lifecycle, { groupName: ASG_GROUP, status: "completed" });
  t.same(calls(untagged), ["DescribeAutoScalingInstances", "CompleteLifecycleAction"]);
});

t.test("a failed plan completes with ABANDON only where configured", async (t) => {
  for (const onFailure of ["CONTINUE", "ABANDON"] as const) {
    const host = await releaseHost(t, {
      owned: 1,
      notOwned: 0,
      failRestore: [pciOf(1)],
      lifecycle: { deps: { groupName: ASG_GROUP, onFailure } },
    });
    host.asg!.model.startTermination(host.instanceId);
    const result = await host.plan.run(host.asgTerminated());
    t.equal(result.plan.status, "failed");
    t.match(host.asg!.model.actions[0]?.ended, { result: onFailure, by: "completed" }, onFailure);
  }
});

t.test(
  "IMDS says Terminated before Auto Scaling has the action: retried until it has",
  async (t) => {
    const host = await releaseHost(t, {
      owned: 1,
      notOwned: 0,
      lifecycle: { deps: { groupName: ASG_GROUP } },
    });
    // The instance is still InService when the plan completes; it enters
    // Terminating:Wait right after the agent looked at it.
    const model = host.asg!.model;
    const describe = model.describeInstances.bind(model);
    model.describeInstances = (ids) => {
      const seen = structuredClone(describe(ids));
      model.startTermination(host.instanceId);
      return seen;
    };
    const result = await host.plan.run(host.asgTerminated());
    t.match(result.plan.lifecycle, { status: "completed" });
    t.same(
      host
        .asg!.requests.filter((r) => r.action !== "RecordLifecycleActionHeartbeat")
        .map((r) => [r.action, r.errorCode]),
      [
        ["CompleteLifecycleAction", "ValidationError"],
        ["DescribeAutoScalingInstances", undefined],
        ["CompleteLifecycleAction", undefined],
      ],
      "no action yet, the instance InService: retried",
    );
    t.match(model.actions[0]?.ended, { by: "completed", result: "CONTINUE" });
  },
);

t.test("every Auto Scaling answer is handled, none twice (issue 12)", async (t) => {
  t.test("ResourceContention and throttling are retried", async (t) => {
    const host = await releaseHost(t, {
      owned: 1,
      notOwned: 0,
      lifecycle: { deps: { groupName: ASG_GROUP } },
    });
    host.asg!.model.startTermination(host.instanceId);
    host.asg!.failNext(1, { action: "CompleteLifecycleAction", code: "ResourceContention" });
    host.asg!.failNext(1, {
      action: "CompleteLifecycleAction",
      code: "Throttling",
      status: 400,
      message: "Rate exceeded",
    });
    const result = await host.plan.run(host.asgTerminated());
    t.match(result.plan.lifecycle, { status: "completed" });
    t.equal(completions(host).length, 3);
  });
  t.test("completed by someone else (or timed out): nothing waits, no failure", async (t) => {
    const host = await releaseHost(t, {
      owned: 1,
      notOwned: 0,
      lifecycle: { hook: { heartbeatTimeoutMs: 30_000 }, deps: { groupName: ASG_GROUP } },
    });
    host.asg!.model.startTermination(host.instanceId);
    // The hook times out during the plan (the heartbeats fail: a 60 s interval).
    const result = await host.plan.run(host.asgTerminated());
    t.equal(result.plan.status, "succeeded");
    t.match(result.plan.lifecycle, { status: "not-waiting" });
    t.match(host.asg!.model.actions[0]?.ended, { by: "timeout" });
  });
  t.test("a hook name with no action while the instance waits: failed, saying why", async (t) => {
    const host = await releaseHost(t, {
      owned: 1,
      notOwned: 0,
      lifecycle: { deps: { groupName: ASG_GROUP, hookName: "not-the-hook" } },
    });
    host.asg!.model.startTermination(host.instanceId);
    const result = await host.plan.run(host.asgTerminated());
    t.equal(result.plan.status, "failed");
    t.match(result.plan.lifecycle, {
      status: "failed",
      error: { code: "FAILED_PRECONDITION", message: /waits in Terminating:Wait/ },
    });
    t.equal(completions(host).length, 1, "not retried");
  });
  t.test("an unknown group: failed, not retried", async (t) => {
    const host = await releaseHost(t, {
      owned: 1,
      notOwned: 0,
      lifecycle: { deps: { groupName: "no-such-group" } },
    });
    host.asg!.model.startTermination(host.instanceId);
    const result = await host.plan.run(host.asgTerminated());
    t.match(result.plan.lifecycle, {
      status: "failed",
      error: { code: "FAILED_PRECONDITION", awsCode: "ValidationError" },
    });
    t.equal(completions(host).length, 1);
    t.equal(host.restored.length, 1, "the devices went back all the same");
  });
  t.test("an instance in no group: failed, the plan's other work done", async (t) => {
    const host = await releaseHost(t, { owned: 1, notOwned: 0, lifecycle: {} });
    host.asg!.model.instances.clear();
    const result = await host.plan.run(host.asgTerminated());
    t.match(result.plan.lifecycle, { status: "failed", error: { code: "NOT_FOUND" } });
    t.same(completions(host), []);
    t.equal(result.plan.enis[0]?.outcome, "deleted");
  });
  t.test("a spot notice completes nothing", async (t) => {
    const host = await releaseHost(t, { owned: 1, notOwned: 0, lifecycle: {} });
    const result = await host.plan.run(host.spot());
    t.equal(result.plan.lifecycle, undefined);
    t.same(host.asg!.requests, []);
  });
});

t.test("paused before completing, resumed: completed once", async (t) => {
  const store = new MemoryReleasePlanStore();
  const stop = new AbortController();
  const host = await releaseHost(t, {
    owned: 1,
    notOwned: 0,
    store,
    lifecycle: { deps: { groupName: ASG_GROUP } },
    // The agent stops the moment the last ENI step is done.
    onEvent: (e) => {
      if (e.type === "eni" && e.step.phase === "done") stop.abort();
    },
  });
  host.asg!.model.startTermination(host.instanceId);
  const notice = host.asgTerminated();
  const paused = await host.plan.run(notice, { signal: stop.signal });
  t.equal(paused.plan.status, "running");
  t.match(paused.plan.lifecycle, { status: "pending" });
  t.same(completions(host), [], "not completed by the paused plan");
  const resumed = await host.plan.run(notice);
  t.equal(resumed.run, "resumed");
  t.match(resumed.plan.lifecycle, { status: "completed" });
  t.equal(completions(host).length, 1);
  t.equal((await host.plan.run(notice)).run, "already-finished");
  t.equal(completions(host).length, 1, "never twice");
});

t.test("a dry run previews the step and calls nothing", async (t) => {
  const host = await releaseHost(t, {
    owned: 1,
    notOwned: 0,
    lifecycle: { deps: { groupName: ASG_GROUP } },
  });
  host.asg!.model.startTermination(host.instanceId);
  const result = await host.plan.run(host.asgTerminated(), { dryRun: true });
  t.match(result.plan.lifecycle, { status: "pending", hookName: ASG_HOOK });
  t.same(host.asg!.requests, []);
});
