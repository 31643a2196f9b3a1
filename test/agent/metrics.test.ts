import t from "tap";
import { simEniId } from "../../src/agent/simulated-host.js";
import { Ec2Actions } from "../../src/aws/ec2-actions.js";
import { agentHarness } from "./harness.js";

async function value(
  registry: { getSingleMetricAsString(name: string): Promise<string> },
  name: string,
) {
  return registry.getSingleMetricAsString(name);
}

t.test("operations, rollbacks and EC2 errors are counted", async (t) => {
  const h = await agentHarness(t);
  const { registry } = h.agent.metrics;
  await h.agent.engine.bind("0000:00:06.0", "vfio-pci");
  h.host.kernel.faults.failWrite("bus/pci/drivers/vfio-pci/bind", "ENODEV");
  await t.rejects(h.agent.engine.bind("0000:00:07.0", "vfio-pci"));
  const ops = await value(registry, "eni_agent_operations_total");
  t.match(ops, /eni_agent_operations_total\{kind="bind",result="committed"\} 1/);
  t.match(ops, /eni_agent_operations_total\{kind="bind",result="rolled_back"\} 1/);
  t.match(await value(registry, "eni_agent_rollbacks_total"), /eni_agent_rollbacks_total 1/);

  // The simulated EC2 holds the host's ENIs; the secondary ones carry the owner tag.
  const owner = h.config.ec2.ownerTag;
  const actions = new Ec2Actions(
    { client: await h.agent.ec2.get() },
    { owner: { tagKey: owner.key, tagValue: owner.value } },
  );
  h.host.fakeEc2.throttleNext(2);
  const owned = await actions.describeOwnedEnis({ deadlineMs: Date.now() + 10_000 });
  t.same(
    owned.map((e) => e.eniId).sort(),
    [simEniId(6), simEniId(7), simEniId(8)],
    "the SDK retried through the throttling",
  );
  t.match(
    await value(registry, "eni_agent_ec2_throttles_total"),
    /eni_agent_ec2_throttles_total 2/,
  );
  t.match(
    await value(registry, "eni_agent_ec2_api_errors_total"),
    /eni_agent_ec2_api_errors_total\{code="RequestLimitExceeded"\} 2/,
  );
});
