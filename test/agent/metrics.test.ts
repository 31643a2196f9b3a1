import t from "tap";
import { simEniId } from "../../src/agent/simulated-host.js";
import { Ec2Actions } from "../../src/aws/ec2-actions.js";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { agentHarness } from "./harness.js";

/** The lines of one metric in the exposition text. */
async function value(metrics: { text(): Promise<string> }, name: string): Promise<string> {
  const text = await metrics.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(name))
    .join("\n");
}

t.test("operations, rollbacks and EC2 errors are counted", async (t) => {
  const h = await agentHarness(t);
  const registry = h.agent.metrics;
  await h.agent.engine.bind("0000:00:06.0" as PciAddress, "vfio-pci" as DriverName);
  h.host.kernel.faults.failWrite("bus/pci/drivers/vfio-pci/bind", "ENODEV");
  await t.rejects(h.agent.engine.bind("0000:00:07.0" as PciAddress, "vfio-pci" as DriverName));
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

t.test("counts kept before the exposition is first asked for show in it", async (t) => {
  // Metrics are off: prom-client is not loaded until asked, but counting ran from the start.
  const h = await agentHarness(t);
  t.equal(h.agent.metrics.listening(), null);
  h.agent.metrics.imdsPollErrors.inc({ source: "spot", code: "UNAVAILABLE" });
  h.agent.metrics.imdsPollErrors.inc({ source: "spot", code: "UNAVAILABLE" });
  h.agent.metrics.terminationPlanSeconds.observe({ result: "ok" }, 3);
  const errors = await value(h.agent.metrics, "eni_agent_imds_poll_errors_total");
  t.match(errors, /eni_agent_imds_poll_errors_total\{source="spot",code="UNAVAILABLE"\} 2/);
  const plans = await value(h.agent.metrics, "eni_agent_termination_plan_seconds");
  t.match(plans, /eni_agent_termination_plan_seconds_bucket\{le="2",result="ok"\} 0/);
  t.match(plans, /eni_agent_termination_plan_seconds_bucket\{le="5",result="ok"\} 1/);
  t.match(plans, /eni_agent_termination_plan_seconds_sum\{result="ok"\} 3/);
  // A second scrape does not count twice.
  t.match(await value(h.agent.metrics, "eni_agent_imds_poll_errors_total"), /UNAVAILABLE"\} 2$/m);
  t.match(await value(h.agent.metrics, "eni_agent_rollbacks_total"), /eni_agent_rollbacks_total 0/);
});
