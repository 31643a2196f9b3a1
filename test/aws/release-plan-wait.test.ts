import t from "tap";
import { AvailableWaiter } from "../../src/aws/release-plan/eni-release.js";
import type { EniId } from "../../src/common/index.js";
import { OWNER, startEc2 } from "./helpers.js";

const OWNED = { [OWNER.tagKey]: OWNER.tagValue };

t.test("one describe per round covers every detaching ENI", async (t) => {
  const { ec2, actions, instanceId, within, clock } = await startEc2(t, {
    fake: { detachDelayMs: 120 },
  });
  const enis = Array.from({ length: 6 }, (_, i) => {
    const eni = ec2.model.createEni({ tags: OWNED });
    ec2.model.attach(eni.id, instanceId, i + 1);
    return eni;
  });
  for (const eni of enis) ec2.model.detach(eni.attachment!.attachmentId, false, false);
  const gone = enis[5]!;
  ec2.model.settle();
  const waiter = new AvailableWaiter(actions, within(5_000), {
    backoff: { baseMs: 20, capMs: 40 },
    clock: { ...clock, random: () => 0.5 },
  });
  const before = ec2.requests.length;
  const waits = enis.map((e) => waiter.wait(e.id as EniId));
  ec2.model.enis.get(gone.id)!.attachment = undefined;
  ec2.model.enis.delete(gone.id);
  const results = await Promise.all(waits);
  t.same(
    results.map((r) => r?.status),
    ["available", "available", "available", "available", "available", undefined],
    "available, or undefined when gone",
  );
  const describes = ec2.requests
    .slice(before)
    .filter((r) => r.action === "DescribeNetworkInterfaces");
  t.ok(describes.length >= 2, `${describes.length} rounds`);
  t.ok(describes.length < 12, "far fewer than one per ENI per round");
  t.equal(describes[0]?.params["Filter.1.Value.6"], gone.id, "all six ids in one request");
});

t.test("the deadline names what each ENI was last seen doing", async (t) => {
  const { ec2, actions, instanceId, within, clock } = await startEc2(t);
  const eni = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(eni.id, instanceId, 1);
  const waiter = new AvailableWaiter(actions, within(200), {
    backoff: { baseMs: 20, capMs: 40 },
    clock: { ...clock, random: Math.random },
  });
  await t.rejects(waiter.wait(eni.id as EniId), {
    code: "DEADLINE_EXCEEDED",
    message: /last seen in-use/,
  });
});
