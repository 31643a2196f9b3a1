/**
 * An Auto Scaling termination with a lifecycle hook through the whole
 * daemon (issue 12): the fake IMDS says Terminated, the fake Auto Scaling
 * holds the instance in Terminating:Wait, the plan returns the devices and
 * releases the owned ENIs, then completes the action with CONTINUE; the
 * operation shows the step. The group is found through the instance tag.
 */
import t from "tap";
import { SIM_ASG_GROUP, simEniId } from "../../src/agent/simulated-host.js";
import { connectAgent } from "../../src/client/client.js";
import { agentHarness, eventually } from "../agent/harness.js";

t.test("an ASG termination is completed with CONTINUE once the plan ends", async (t) => {
  const h = await agentHarness(t, {
    config: {
      termination: { dpdkGraceMs: 0, asgLifecycleHookTimeoutMs: 60_000 },
      autoScaling: { lifecycleHook: { name: "eni-agent-drain" } },
    },
  });
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  // The plan detaches the ENIs it knows: wait until the agent has read from
  // IMDS which ENI each device is (under load that comes after the harness starts).
  await eventually(async () =>
    (await client.listDevices({})).every((d) => d.identity?.eniId !== undefined),
  );
  await client.bindDevice({ selector: { pciAddress: "0000:00:06.0" }, driver: "vfio-pci" });
  // The bind marks its owned ENI DeleteOnTermination in the background; the
  // plan of a termination then leaves that ENI to EC2. Wait for the mark so
  // the plan is the same on every run.
  const eni6 = () => h.host.fakeEc2.model.enis.get(simEniId(6));
  await eventually(() => eni6()?.attachment?.deleteOnTermination === true);
  const asg = h.host.fakeAutoScaling.model;
  h.host.fakeImds.setAsgState("Terminated");
  t.equal(asg.instances.values().next().value?.lifecycleState, "Terminating:Wait");
  await eventually(() => asg.actions[0]?.ended !== undefined);
  t.match(asg.actions[0], {
    group: SIM_ASG_GROUP,
    hook: "eni-agent-drain",
    ended: { result: "CONTINUE", by: "completed" },
  });
  // The fake EC2's detach takes a device off the host; one not on ena would be a hazard.
  t.same(h.host.eniWorld.hazards, [], "no device was detached under a DPDK driver");
  await h.host.eniWorld.devicesLeft();
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "ena", "the bound device is back on ena");
  t.match(
    eni6()?.attachment,
    { deleteOnTermination: true },
    "its ENI, marked at bind, stays attached for EC2 to delete with the instance",
  );
  t.notOk(h.host.fakeEc2.model.enis.has(simEniId(8)), "an owned ENI without the mark is released");
  const asgCalls = h.host.fakeAutoScaling.requests.map((r) => r.action);
  t.notOk(asgCalls.includes("DescribeAutoScalingInstances"), "the group came from the tag");
  const termination = async () =>
    (await client.listOperations({})).operations.find(
      (o) => o.kind === "OPERATION_KIND_TERMINATION",
    );
  // The plan records its end just after Auto Scaling answered.
  await eventually(async () => (await termination())?.status !== "OPERATION_STATUS_RUNNING");
  const op = await termination();
  t.equal(op?.status, "OPERATION_STATUS_SUCCEEDED");
  t.match(op?.steps.at(-1), {
    description: `complete lifecycle action of hook eni-agent-drain (${SIM_ASG_GROUP}): CONTINUE`,
    status: "STEP_STATUS_DONE",
  });
});

t.test("without a hook configured, lifecycle actions are left alone", async (t) => {
  const h = await agentHarness(t, { config: { termination: { dpdkGraceMs: 0 } } });
  h.host.fakeImds.setAsgState("Terminated");
  await eventually(() => !h.host.fakeEc2.model.enis.has(simEniId(8)));
  t.same(h.host.fakeAutoScaling.requests, [], "no Auto Scaling call");
});
