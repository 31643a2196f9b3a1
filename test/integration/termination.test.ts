/**
 * A spot interruption notice from the (fake) IMDS: the daemon announces it,
 * plans, and returns every device under a DPDK driver to the kernel, each as
 * a verified transaction, then refuses new binds. PrepareTermination with
 * dry_run plans without touching anything.
 */
import t from "tap";
import { connectAgent } from "../../src/server/client.js";
import { agentHarness, eventually } from "../agent/harness.js";
import { collectEvents } from "./events.js";

t.test("a spot notice returns DPDK devices to the kernel", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  for (const pciAddress of ["0000:00:06.0", "0000:00:07.0"]) {
    await client.bindDevice({ selector: { pciAddress }, driver: "vfio-pci" });
  }
  const dry = await client.prepareTermination({ dryRun: true });
  t.same(
    dry.plan?.steps.map((s) => [s.pciAddress, s.action]),
    [
      ["0000:00:06.0", "TERMINATION_ACTION_RESTORE_KERNEL_DRIVER"],
      ["0000:00:07.0", "TERMINATION_ACTION_RESTORE_KERNEL_DRIVER"],
    ],
  );
  t.equal(dry.operation, null);
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "vfio-pci", "a dry run changes nothing");

  const events = await collectEvents(client);
  t.teardown(() => events.stop());
  h.host.fakeImds.announceSpot("terminate", 120_000);
  const notice = await events.waitFor(
    (e) => e.terminationNotice !== undefined && e.terminationNotice !== null,
  );
  t.equal(notice.terminationNotice?.source, "TERMINATION_SOURCE_SPOT_INTERRUPTION");
  await events.waitFor((e) => e.terminationPlanned?.plan?.steps.length === 2);
  const result = await events.waitFor(
    (e) =>
      e.operationResult?.operation?.kind === "OPERATION_KIND_TERMINATION" &&
      e.operationResult.operation.status === "OPERATION_STATUS_SUCCEEDED",
  );
  t.ok(result.operationResult?.operation?.steps.every((s) => s.status === "STEP_STATUS_DONE"));
  for (const address of ["0000:00:06.0", "0000:00:07.0"]) {
    const dev = h.host.kernel.device(address);
    t.equal(dev?.driver, "ena", `${address} is back with the kernel`);
    t.equal(dev?.driverOverride, null);
  }
  await t.rejects(
    client.bindDevice({ selector: { pciAddress: "0000:00:08.0" }, driver: "vfio-pci" }),
    { code: "FAILED_PRECONDITION", guard: "terminating" },
  );
  const report = await client.getHostReport();
  t.equal(report.terminationWatcher?.state, "WATCHER_STATE_TRIGGERED");
  await eventually(() =>
    h.agent.engine.operations().every((o) => o.status !== "running" && o.status !== "stuck"),
  );
});
