import t from "tap";
import { isThrottled, isTransient } from "../../src/aws/aws-errors.js";
import { type AgentError, wallClock } from "../../src/common/index.js";
import { OWNER, startEc2 } from "./helpers.js";

const OWNED = { [OWNER.tagKey]: OWNER.tagValue };

// Every process warning from here on: the first test builds this process's first SDK client.
const warnings: string[] = [];
process.on("warning", (w) => warnings.push(w.message));

t.test("describe is always filtered and paginated", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t);
  const owned = Array.from({ length: 12 }, () => ec2.model.createEni({ tags: OWNED }));
  for (let i = 0; i < 3; i++) ec2.model.createEni({ tags: { [OWNER.tagKey]: "someone-else" } });
  ec2.model.attach(owned[0]!.id, instanceId, 1);
  ec2.model.attach(owned[1]!.id, instanceId, 2);

  const found = await actions.describeOwnedEnis(within());
  t.same(found.map((e) => e.eniId).sort(), owned.map((e) => e.id).sort());
  const pages = ec2.requests.filter((r) => r.action === "DescribeNetworkInterfaces");
  t.equal(pages.length, 3, "12 ENIs at 5 per page");
  for (const page of pages) {
    t.equal(page.params.MaxResults, "5");
    t.equal(page.params["Filter.1.Name"], `tag:${OWNER.tagKey}`);
  }
  t.ok(pages[1]?.params.NextToken, "later pages carry the token");

  const onInstance = await actions.describeInstanceEnis(instanceId, within());
  t.equal(onInstance.length, 3, "primary plus two attached");
  const ownedOnInstance = await actions.describeOwnedEnis(within(), { instanceId });
  t.same(ownedOnInstance.map((e) => e.attachment?.deviceIndex).sort(), [1, 2]);
  t.match(ownedOnInstance[0], { status: "in-use", tags: OWNED, requesterManaged: false });
  await new Promise((r) => setImmediate(r));
  t.same(
    warnings.filter((w) => w.includes("NodeVersionSupportWarning")),
    [],
    "the SDK's node version notice stays out of the daemon's JSON log",
  );
});

t.test("detach goes attached → detaching → available, without Force by default", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t, {
    fake: { detachDelayMs: 150 },
  });
  const eni = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(eni.id, instanceId, 1);
  t.equal(await actions.detachEni(eni.id, within()), "detaching");
  t.match(await actions.describeEni(eni.id, within()), {
    status: "detaching",
    attachment: { status: "detaching" },
  });
  t.equal(await actions.detachEni(eni.id, within()), "detaching", "a second detach is a no-op");
  const available = await actions.waitForAvailable(eni.id, within());
  t.match(available, { status: "available", attachment: undefined });
  const detach = ec2.requests.filter((r) => r.action === "DetachNetworkInterface");
  t.equal(detach.length, 1);
  t.notOk("Force" in (detach[0]?.params ?? {}), "Force is not sent unless configured");
  t.equal(await actions.detachEni(eni.id, within()), "already-detached");
});

t.test("Force is sent only when configured", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t, {
    actions: { forceDetach: true },
  });
  const eni = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(eni.id, instanceId, 1);
  await actions.detachEni(eni.id, within());
  t.equal(ec2.requests.find((r) => r.action === "DetachNetworkInterface")?.params.Force, "true");
});

t.test(
  "deleting an attached ENI is 'in use' (transient); detachAndDelete releases it",
  async (t) => {
    const { ec2, actions, instanceId, within } = await startEc2(t, { fake: { detachDelayMs: 50 } });
    const eni = ec2.model.createEni({ tags: OWNED });
    ec2.model.attach(eni.id, instanceId, 1);
    const err = await actions.deleteEni(eni.id, within()).catch((e: unknown) => e);
    t.match(err, {
      code: "ABORTED",
      awsCode: "InvalidParameterValue",
      message: /is currently in use/,
    });
    t.ok(isTransient(err as AgentError), "retried by the release plan");
    t.equal(await actions.detachAndDelete(eni.id, within()), "deleted");
    t.notOk(ec2.model.enis.has(eni.id));
    t.equal(await actions.detachAndDelete(eni.id, within()), "already-gone", "idempotent");
  },
);

t.test("already-gone answers are success", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t);
  const eni = ec2.model.createEni({ tags: OWNED });
  // The ENI vanishes between our describe and our delete (another cleaner won the race).
  ec2.failNext(1, {
    action: "DeleteNetworkInterface",
    code: "InvalidNetworkInterfaceID.NotFound",
    status: 400,
  });
  t.equal(await actions.deleteEni(eni.id, within()), "already-gone");

  const attached = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(attached.id, instanceId, 1);
  ec2.failNext(1, {
    action: "DetachNetworkInterface",
    code: "InvalidAttachmentID.NotFound",
    status: 400,
  });
  t.equal(await actions.detachEni(attached.id, within()), "already-detached");
  t.equal(await actions.deleteEni("eni-0123456789abcdef0", within()), "already-gone");
});

t.test("throttling is retried by the pinned SDK retries, then succeeds", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t, { maxAttempts: 3 });
  ec2.model.attach(ec2.model.createEni({ tags: OWNED }).id, instanceId, 1);
  ec2.throttleNext(1, "DescribeNetworkInterfaces");
  ec2.failNext(1, { action: "DescribeNetworkInterfaces", code: "InternalError", status: 500 });
  t.equal((await actions.describeOwnedEnis(within())).length, 1);
  const codes = ec2.requests.map((r) => r.errorCode);
  t.same(codes, ["RequestLimitExceeded", "InternalError", undefined]);
});

t.test("throttling past the attempts is UNAVAILABLE and flagged throttled", async (t) => {
  const { ec2, actions, within } = await startEc2(t, { maxAttempts: 1 });
  ec2.throttleNext(5);
  const err = await actions.describeOwnedEnis(within()).catch((e: unknown) => e);
  t.match(err, { code: "UNAVAILABLE", awsCode: "RequestLimitExceeded" });
  t.ok(isThrottled(err));
});

t.test("env overrides cannot change the pinned retry settings", async (t) => {
  const saved = { attempts: process.env.AWS_MAX_ATTEMPTS, mode: process.env.AWS_RETRY_MODE };
  process.env.AWS_MAX_ATTEMPTS = "1";
  process.env.AWS_RETRY_MODE = "adaptive";
  t.teardown(() => {
    for (const [key, value] of [
      ["AWS_MAX_ATTEMPTS", saved.attempts],
      ["AWS_RETRY_MODE", saved.mode],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  const { ec2, actions, within } = await startEc2(t, { maxAttempts: 2 });
  ec2.failNext(1, { code: "InternalError", status: 500 });
  t.same(await actions.describeOwnedEnis(within()), [], "the second attempt answered");
  t.equal(ec2.requests.length, 2);
});

t.test("EC2 buckets: the fake throttles a burst past the documented size", async (t) => {
  const { actions, within } = await startEc2(t, {
    maxAttempts: 1,
    fake: { buckets: { DescribeNetworkInterfaces: { burst: 3, refillPerSecond: 0.001 } } },
  });
  for (let i = 0; i < 3; i++) await actions.describeOwnedEnis(within());
  await t.rejects(actions.describeOwnedEnis(within()), {
    code: "UNAVAILABLE",
    awsCode: "RequestLimitExceeded",
  });
});

t.test("the client-side bucket holds calls back and respects the deadline", async (t) => {
  const { ec2, actions, within } = await startEc2(t, {
    actions: { rateLimits: { DescribeNetworkInterfaces: { burst: 2, refillPerSecond: 0.5 } } },
  });
  await actions.describeOwnedEnis(within());
  await actions.describeOwnedEnis(within());
  await t.rejects(actions.describeOwnedEnis(within(300)), { code: "DEADLINE_EXCEEDED" });
  t.equal(ec2.requests.length, 2, "the third call never reached EC2");
});

t.test("DeleteOnTermination is set, verified, and makes termination clean", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t);
  const eni = ec2.model.createEni({ tags: OWNED });
  const attachment = ec2.model.attach(eni.id, instanceId, 1);
  t.equal(await actions.setDeleteOnTermination(eni.id, within()), "set");
  t.equal(attachment.deleteOnTermination, true);
  const modify = ec2.requests.find((r) => r.action === "ModifyNetworkInterfaceAttribute");
  t.match(modify?.params, {
    NetworkInterfaceId: eni.id,
    "Attachment.AttachmentId": attachment.attachmentId,
    "Attachment.DeleteOnTermination": "true",
  });
  const last = ec2.requests.at(-1);
  t.equal(last?.action, "DescribeNetworkInterfaces", "verified with a describe");
  t.equal(await actions.setDeleteOnTermination(eni.id, within()), "already-set");

  const leaky = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(leaky.id, instanceId, 2);
  ec2.model.terminateInstance(instanceId);
  t.notOk(ec2.model.enis.has(eni.id), "EC2 deleted the marked ENI");
  t.equal(ec2.model.status(ec2.model.requireEni(leaky.id)), "available", "the unmarked one leaks");
});

t.test("a non-owned ENI is never detached, deleted or modified", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t);
  const foreign = ec2.model.createEni({ tags: { [OWNER.tagKey]: "i-other" } });
  ec2.model.attach(foreign.id, instanceId, 1);
  const loose = ec2.model.createEni();
  const guard = { code: "FAILED_PRECONDITION", guard: "not-owned" };
  await t.rejects(actions.detachEni(foreign.id, within()), guard);
  await t.rejects(actions.detachAndDelete(foreign.id, within()), guard);
  await t.rejects(actions.deleteEni(loose.id, within()), guard);
  await t.rejects(actions.setDeleteOnTermination(foreign.id, within()), guard);
  const mutations = ec2.requests.filter((r) => !r.action.startsWith("Describe"));
  t.same(mutations, [], "no mutating request reached EC2");
  t.equal(ec2.model.status(foreign), "in-use");
});

t.test(
  "the primary and requester-managed ENIs are refused before EC2 sees a request",
  async (t) => {
    const { ec2, actions, instanceId, within } = await startEc2(t);
    const [primary] = await actions.describeInstanceEnis(instanceId, within());
    ec2.model.requireEni(primary!.eniId).tags.set(OWNER.tagKey, OWNER.tagValue);
    await t.rejects(actions.detachEni(primary!.eniId, within()), {
      code: "FAILED_PRECONDITION",
      guard: "primary-eni",
    });
    const managed = ec2.model.createEni({ tags: OWNED, requesterManaged: true });
    await t.rejects(actions.deleteEni(managed.id, within()), {
      code: "FAILED_PRECONDITION",
      guard: "requester-managed",
    });
    t.same(
      ec2.requests.filter((r) => !r.action.startsWith("Describe")),
      [],
      "no mutating request sent",
    );
  },
);

t.test("EC2 itself refuses to detach the primary ENI (OperationNotPermitted)", async (t) => {
  const { ec2, client, instanceId } = await startEc2(t);
  const { DetachNetworkInterfaceCommand } = await import("@aws-sdk/client-ec2");
  const primary = [...ec2.model.enis.values()].find((e) => e.attachment?.instanceId === instanceId);
  const err = await client
    .send(new DetachNetworkInterfaceCommand({ AttachmentId: primary!.attachment!.attachmentId }))
    .catch((e: unknown) => e);
  t.match(err, { name: "OperationNotPermitted" });
});

t.test("dry run: outcomes say dry-run and nothing changes", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t, { actions: { dryRun: true } });
  const attached = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(attached.id, instanceId, 1);
  const available = ec2.model.createEni({ tags: OWNED });
  t.equal(await actions.detachEni(attached.id, within()), "dry-run");
  t.equal(await actions.detachAndDelete(attached.id, within()), "dry-run");
  t.equal(await actions.deleteEni(available.id, within()), "dry-run");
  t.equal(await actions.setDeleteOnTermination(attached.id, within()), "dry-run");
  t.equal(await actions.tagEnis([available.id], { team: "dpdk" }, within()), "dry-run");
  t.equal(ec2.model.status(attached), "in-use");
  t.ok(ec2.model.enis.has(available.id));
  t.equal(attached.attachment?.deleteOnTermination, false);
  t.equal(available.tags.get("team"), undefined);
  t.ok(ec2.requests.some((r) => r.errorCode === "DryRunOperation"));
});

t.test("tags are written; aws: keys are refused locally", async (t) => {
  const { ec2, actions, within } = await startEc2(t);
  const eni = ec2.model.createEni();
  t.equal(await actions.tagEnis([eni.id], actions.ownerTags(), within()), "tagged");
  t.equal(eni.tags.get(OWNER.tagKey), OWNER.tagValue);
  t.equal((await actions.describeOwnedEnis(within())).length, 1, "now owned");
  await t.rejects(actions.tagEnis([eni.id], { "aws:x": "y" }, within()), {
    code: "INVALID_ARGUMENT",
  });
  await t.rejects(actions.tagEnis(["eni-../../x"], { a: "b" }, within()), {
    code: "INVALID_ARGUMENT",
  });
});

t.test("ENI ids are checked like everywhere else before any request", async (t) => {
  const { ec2, actions, within } = await startEc2(t);
  // 10 hex digits: EC2 issues 8 or 17, and so does every other layer accept.
  for (const bad of ["eni-0123456789", "eni-0F95D3625F5C521CC"]) {
    await t.rejects(actions.describeEni(bad, within()), {
      code: "INVALID_ARGUMENT",
      message: /expected eni- and 8 or 17 hex digits/,
    });
    await t.rejects(actions.tagEnis([bad], { a: "b" }, within()), { code: "INVALID_ARGUMENT" });
  }
  t.equal(ec2.requests.length, 0, "nothing reached EC2");
});

t.test("deadlines bound waiting and slow answers", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t, {
    fake: { detachDelayMs: 60_000 },
  });
  const eni = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(eni.id, instanceId, 1);
  await actions.detachEni(eni.id, within());
  await t.rejects(actions.waitForAvailable(eni.id, within(400)), {
    code: "DEADLINE_EXCEEDED",
    message: /not available by the deadline/,
  });
  await t.rejects(actions.describeEni(eni.id, within(-1)), { code: "DEADLINE_EXCEEDED" });
  const controller = new AbortController();
  const pending = actions.describeEni(eni.id, { ...within(), signal: controller.signal });
  controller.abort();
  await t.rejects(pending, { code: "ABORTED" });
});

t.test("a request the network holds is cut at its deadline, in real time", async (t) => {
  // The one real wait of these tests: the per-call abort is a real timer on
  // purpose (no test clock can speed up a socket), so it is tested as one.
  const { ec2, actions, within } = await startEc2(t, { clock: wallClock });
  ec2.latencyMs = 5_000;
  await t.rejects(actions.describeEni(ec2.model.createEni().id, within(150)), {
    code: "DEADLINE_EXCEEDED",
  });
});

t.test("an unreachable endpoint is UNAVAILABLE", async (t) => {
  const { ec2, actions, within } = await startEc2(t, { maxAttempts: 1 });
  await ec2.stop();
  await t.rejects(actions.describeOwnedEnis(within()), { code: "UNAVAILABLE" });
});
