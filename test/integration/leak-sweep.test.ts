/** ec2.leakSweep through the daemon: an owned ENI left `available` is deleted; others are not. */
import t from "tap";
import { agentHarness, eventually } from "../agent/harness.js";

t.test("the leak sweep deletes an owned, available ENI and nothing else", async (t) => {
  const h = await agentHarness(t, {
    config: { ec2: { leakSweep: { enabled: true, intervalMs: 1_000, minAgeMs: 0 } } },
  });
  const owner = h.config.ec2.ownerTag;
  const model = h.host.fakeEc2.model;
  const leaked = model.createEni({ tags: { [owner.key]: owner.value } });
  const foreign = model.createEni({ tags: { team: "someone-else" } });
  await eventually(() => !model.enis.has(leaked.id));
  t.ok(model.enis.has(foreign.id), "an ENI without the owner tag stays");
  t.equal(model.enis.size, 5, "the host's four attached ENIs stay");
  // The sweep logs after EC2 answered the delete: the line may trail the model's change.
  await eventually(() => h.logs.some((l) => l.msg === "leaked ENI swept" && l.eni === leaked.id));
  t.pass("the sweep logged the deletion");
});
