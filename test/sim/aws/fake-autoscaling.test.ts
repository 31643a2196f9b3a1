/**
 * The fake Auto Scaling endpoint through the real SDK: the lifecycle calls
 * and every answer the agent has to handle, as the SDK surfaces them (the
 * exception's name is what aws-errors.ts classifies; the message is what
 * tells ValidationErrors apart).
 */
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingInstancesCommand,
} from "@aws-sdk/client-auto-scaling";
import t from "tap";
import { AsgLifecycleActions } from "../../../src/aws/asg-lifecycle-actions.js";
import { steppingClock } from "../../../src/common/index.js";
import { FakeAutoScaling } from "../../../src/sim/aws/fake-autoscaling.js";

const GROUP = "dpdk-workers";
const HOOK = "eni-agent-drain";
const INSTANCE = "i-0123456789abcdef0";

async function setup(t: { teardown: (fn: () => unknown) => void }) {
  const clock = steppingClock(Date.parse("2026-01-07T01:00:00Z"));
  const fake = new FakeAutoScaling({ clock });
  await fake.start(AbortSignal.timeout(60_000));
  t.teardown(() => fake.stop());
  const client = new AutoScalingClient({
    region: "us-east-1",
    endpoint: fake.url,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  t.teardown(() => client.destroy());
  fake.model.createGroup(GROUP, [{ name: HOOK, heartbeatTimeoutMs: 300_000 }]);
  fake.model.addInstance(GROUP, INSTANCE);
  const actions = new AsgLifecycleActions({ client, clock });
  const call = () => ({ deadlineMs: clock.now() + 10_000 });
  const ref = { groupName: GROUP, hookName: HOOK, instanceId: INSTANCE };
  const outcome = (sent: Promise<unknown>) =>
    sent.then(
      () => "ok",
      (err: { code?: string; awsCode?: string; message: string }) => err,
    );
  return { fake, client, clock, actions, call, ref, outcome };
}

t.test("describe, heartbeat and complete a lifecycle action", async (t) => {
  const { fake, clock, actions, call, ref } = await setup(t);
  t.same(await actions.describeInstance(INSTANCE, call()), {
    groupName: GROUP,
    lifecycleState: "InService",
  });
  t.equal(await actions.describeInstance("i-0000000000000000f", call()), undefined, "no group");
  fake.model.startTermination(INSTANCE);
  t.match(await actions.describeInstance(INSTANCE, call()), { lifecycleState: "Terminating:Wait" });
  await clock.sleep(200_000);
  await actions.heartbeat(ref, call());
  await clock.sleep(200_000);
  t.equal(fake.model.actions[0]?.ended, undefined, "the heartbeat moved the 300 s timeout");
  await actions.complete(ref, "CONTINUE", call());
  t.match(fake.model.actions[0], { heartbeats: 1, ended: { result: "CONTINUE", by: "completed" } });
  t.match(await actions.describeInstance(INSTANCE, call()), {
    lifecycleState: "Terminating:Proceed",
  });
  const sent = fake.requests.find((r) => r.action === "CompleteLifecycleAction")?.params;
  t.match(sent, {
    AutoScalingGroupName: GROUP,
    LifecycleHookName: HOOK,
    InstanceId: INSTANCE,
    LifecycleActionResult: "CONTINUE",
  });
  t.notOk(sent?.LifecycleActionToken, "no token: IMDS does not give it");
});

t.test("every answer the agent handles, classified (issue 12)", async (t) => {
  const { fake, clock, actions, call, ref, outcome } = await setup(t);
  const noAction = {
    code: "NOT_FOUND",
    awsCode: "ValidationError",
    message: new RegExp(`No active Lifecycle Action found with instance ID ${INSTANCE}$`),
  };
  t.match(
    await outcome(actions.complete(ref, "CONTINUE", call())),
    noAction,
    "not in a wait state",
  );
  fake.model.startTermination(INSTANCE);
  t.match(
    await outcome(actions.heartbeat({ ...ref, hookName: "another-hook" }, call())),
    noAction,
    "a hook name with no action",
  );
  t.match(
    await outcome(actions.complete({ ...ref, groupName: "no-such-group" }, "CONTINUE", call())),
    {
      code: "FAILED_PRECONDITION",
      awsCode: "ValidationError",
      message: /AutoScalingGroup name not found - AutoScalingGroup no-such-group not found$/,
    },
    "an unknown group",
  );
  fake.failNext(1, { action: "CompleteLifecycleAction", code: "ResourceContention", status: 500 });
  t.match(
    await outcome(actions.complete(ref, "CONTINUE", call())),
    { code: "UNAVAILABLE", awsCode: "ResourceContentionFault" },
    "ResourceContention is the SDK's ResourceContentionFault, transient",
  );
  fake.failNext(1, { code: "Throttling", status: 400, message: "Rate exceeded" });
  t.match(
    await outcome(actions.heartbeat(ref, call())),
    { code: "UNAVAILABLE", awsCode: "Throttling" },
    "throttled",
  );
  fake.failNext(1, { code: "AccessDenied", status: 403, message: "not authorized" });
  t.match(await outcome(actions.heartbeat(ref, call())), { code: "PERMISSION_DENIED" });
  t.equal(await outcome(actions.complete(ref, "CONTINUE", call())), "ok");
  t.match(
    await outcome(actions.complete(ref, "CONTINUE", call())),
    noAction,
    "completed already: the same answer, so a second completion is harmless",
  );
  fake.model.addInstance(GROUP, "i-0000000000000000a");
  fake.model.startTermination("i-0000000000000000a");
  await clock.sleep(300_000);
  t.match(
    await outcome(
      actions.complete({ ...ref, instanceId: "i-0000000000000000a" }, "CONTINUE", call()),
    ),
    {
      ...noAction,
      message: /No active Lifecycle Action found with instance ID i-0000000000000000a$/,
    },
    "timed out",
  );
  t.match(fake.model.actions[1]?.ended, { by: "timeout", result: "ABANDON" });
});

t.test("the wire: awsQuery lists and error envelope", async (t) => {
  const { fake, client } = await setup(t);
  const out = await client.send(
    new DescribeAutoScalingInstancesCommand({ InstanceIds: [INSTANCE] }),
  );
  t.equal(out.AutoScalingInstances?.[0]?.InstanceId, INSTANCE);
  t.equal(fake.requests[0]?.params["InstanceIds.member.1"], INSTANCE);
  const err = await client
    .send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: GROUP,
        LifecycleHookName: HOOK,
        InstanceId: INSTANCE,
        LifecycleActionResult: "CONTINUE",
      }),
    )
    .catch((e: { name: string; $fault: string; message: string }) => e);
  t.match(err, { name: "ValidationError", $fault: "client" });
});
