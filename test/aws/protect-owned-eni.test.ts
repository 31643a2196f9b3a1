import t from "tap";
import { protectOwnedEni } from "../../src/aws/protect-owned-eni.js";
import { OWNER, startEc2 } from "./helpers.js";

const OWNED = { [OWNER.tagKey]: OWNER.tagValue };

t.test("an owned ENI is marked DeleteOnTermination and the mark verified", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t);
  const eni = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(eni.id, instanceId, 1);
  t.equal(await protectOwnedEni(actions, eni.id, within()), "set");
  t.equal(ec2.model.enis.get(eni.id)?.attachment?.deleteOnTermination, true);
  const actionsSent = ec2.requests.map((r) => r.action);
  const modify = actionsSent.indexOf("ModifyNetworkInterfaceAttribute");
  t.ok(
    modify >= 0 && actionsSent.slice(modify + 1).includes("DescribeNetworkInterfaces"),
    "verified by a describe",
  );
  t.equal(await protectOwnedEni(actions, eni.id, within()), "already-set");
  t.equal(ec2.succeeded("ModifyNetworkInterfaceAttribute"), 1, "no second modify");
  ec2.model.terminateInstance(instanceId);
  t.notOk(ec2.model.enis.has(eni.id), "EC2 deletes it with the instance");
});

t.test("ENIs the agent does not own, or without attachment, are left alone", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t);
  const foreign = ec2.model.createEni();
  ec2.model.attach(foreign.id, instanceId, 1);
  const managed = ec2.model.createEni({ tags: OWNED, requesterManaged: true });
  const loose = ec2.model.createEni({ tags: OWNED });
  t.equal(await protectOwnedEni(actions, foreign.id, within()), "not-owned");
  t.equal(await protectOwnedEni(actions, managed.id, within()), "not-owned");
  t.equal(await protectOwnedEni(actions, loose.id, within()), "not-attached");
  t.equal(await protectOwnedEni(actions, "eni-00000000000000001", within()), "not-attached");
  t.equal(ec2.requests.filter((r) => r.action === "ModifyNetworkInterfaceAttribute").length, 0);
  t.equal(ec2.model.enis.get(foreign.id)?.attachment?.deleteOnTermination, false);
});

t.test("dry run and failures", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t, { maxAttempts: 1 });
  const eni = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(eni.id, instanceId, 1);
  t.equal(await protectOwnedEni(actions.withDryRun(), eni.id, within()), "dry-run");
  t.equal(ec2.model.enis.get(eni.id)?.attachment?.deleteOnTermination, false);
  ec2.failNext(1, {
    action: "ModifyNetworkInterfaceAttribute",
    code: "UnauthorizedOperation",
    status: 403,
  });
  await t.rejects(protectOwnedEni(actions, eni.id, within()), { code: "PERMISSION_DENIED" });
});
