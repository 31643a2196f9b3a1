/**
 * A spot interruption notice from the (fake) IMDS, through the whole daemon:
 * the notice is announced, the release plan returns every device under a
 * DPDK driver to the kernel (each a verified transaction), and then every
 * ENI the agent owns is deleted in the (fake) EC2 or left to EC2 with
 * DeleteOnTermination set (invariant 6). Binds are refused afterwards;
 * PrepareTermination with dry_run plans without touching anything.
 */
import t from "tap";
import { simEniId } from "../../src/agent/simulated-host.js";
import { connectAgent } from "../../src/client/client.js";
import { agentHarness, eventually } from "../agent/harness.js";
import { collectEvents } from "./events.js";

t.test("a spot notice restores DPDK devices and releases owned ENIs", async (t) => {
  const h = await agentHarness(t, { config: { termination: { dpdkGraceMs: 0 } } });
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  for (const pciAddress of ["0000:00:06.0", "0000:00:07.0"]) {
    await client.bindDevice({ selector: { pciAddress }, driver: "vfio-pci" });
  }
  const model = h.host.fakeEc2.model;
  const deleteOnTermination = (id: string) => model.enis.get(id)?.attachment?.deleteOnTermination;
  // ec2.deleteOnTerminationOnBind (default on) marks an owned ENI once its device is bound.
  await eventually(
    () => deleteOnTermination(simEniId(6)) === true && deleteOnTermination(simEniId(7)) === true,
  );
  t.equal(deleteOnTermination(simEniId(8)), false, "an ENI still with the kernel is not marked");

  const dry = await client.prepareTermination({ dryRun: true });
  const restores = dry.plan?.steps.filter(
    (s) => s.action === "TERMINATION_ACTION_RESTORE_KERNEL_DRIVER",
  );
  t.same(
    restores?.map((s) => s.pciAddress),
    ["0000:00:06.0", "0000:00:07.0"],
  );
  t.equal(dry.operation, null);
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "vfio-pci", "a dry run changes nothing");
  t.equal(model.enis.size, 4, "nor in EC2");

  const events = await collectEvents(client);
  t.teardown(() => events.stop());
  h.host.fakeImds.announceSpot("terminate", 120_000);
  const notice = await events.waitFor((e) => e.terminationNotice != null);
  t.equal(notice.terminationNotice?.source, "TERMINATION_SOURCE_SPOT_INTERRUPTION");
  await events.waitFor((e) => (e.terminationPlanned?.plan?.steps.length ?? 0) > 0);
  const result = await events.waitFor(
    (e) =>
      e.operationResult?.operation?.kind === "OPERATION_KIND_TERMINATION" &&
      e.operationResult.operation.status !== "OPERATION_STATUS_RUNNING",
    20_000,
  );
  t.equal(result.operationResult?.operation?.status, "OPERATION_STATUS_SUCCEEDED");
  for (const address of ["0000:00:06.0", "0000:00:07.0"]) {
    const dev = h.host.kernel.device(address);
    t.equal(dev?.driver, "ena", `${address} is back with the kernel`);
    t.equal(dev?.driverOverride, null);
  }
  const owned = [6, 7, 8].map(simEniId);
  for (const id of owned) {
    const eni = model.enis.get(id);
    t.ok(
      eni === undefined || eni.attachment?.deleteOnTermination === true,
      `${id}: deleted or left to EC2`,
    );
  }
  t.equal(model.enis.get(simEniId(8)), undefined, "the unmarked owned ENI was deleted");
  t.ok(
    events.events.some((e) => e.eniReleased?.eniId === simEniId(8)),
    "and announced",
  );
  t.ok(model.enis.get(simEniId(5)), "the primary ENI is never touched");

  await t.rejects(
    client.bindDevice({ selector: { pciAddress: "0000:00:08.0" }, driver: "vfio-pci" }),
    { code: "FAILED_PRECONDITION", guard: "terminating" },
  );
  const report = await client.getHostReport();
  t.equal(report.terminationWatcher?.state, "WATCHER_STATE_TRIGGERED");
  const op = await client.getOperation(result.operationResult?.operation?.id ?? "");
  t.equal(op.status, "OPERATION_STATUS_SUCCEEDED", "the plan is an operation GetOperation knows");
});
