import t from "tap";
import { OWNER, startEc2 } from "./helpers.js";

const OWNED = { [OWNER.tagKey]: OWNER.tagValue };

t.test("a fresh description saves the owner re-describe, and is still owner-checked", async (t) => {
  const { ec2, actions, instanceId, within } = await startEc2(t, { fake: { detachDelayMs: 30 } });
  const eni = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(eni.id, instanceId, 1);
  const [listed] = await actions.describeOwnedEnis(within(), { instanceId });
  const before = ec2.requests.length;
  t.equal(await actions.detachEni(eni.id, within(), listed), "detaching");
  t.same(
    ec2.requests.slice(before).map((r) => r.action),
    ["DetachNetworkInterface"],
    "no describe before the detach",
  );
  const available = await actions.waitForAvailable(eni.id, within());
  const mark = ec2.requests.length;
  t.equal(await actions.deleteEni(eni.id, within(), available), "deleted");
  t.same(
    ec2.requests.slice(mark).map((r) => r.action),
    ["DeleteNetworkInterface"],
  );

  const foreign = ec2.model.createEni({ tags: { [OWNER.tagKey]: "someone-else" } });
  ec2.model.attach(foreign.id, instanceId, 2);
  const [seen] = await actions.describeEnis([foreign.id], within());
  await t.rejects(actions.detachEni(foreign.id, within(), seen), {
    code: "FAILED_PRECONDITION",
    guard: "not-owned",
  });
  const other = ec2.model.createEni({ tags: OWNED });
  t.equal(
    await actions.deleteEni(other.id, within(), seen),
    "deleted",
    "a description of another ENI is not used: the ENI itself is described and owned",
  );
  t.ok(ec2.model.enis.get(foreign.id)?.attachment, "the foreign ENI is untouched");
});
