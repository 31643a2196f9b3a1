/**
 * A stop (what SIGTERM does) while a transaction is half-way: the listeners
 * close to new calls, the transaction runs to its verified end (commit or
 * rollback), the caller gets its answer, and the journal holds no open
 * operation. Never half.
 */
import t from "tap";
import { connectAgent } from "../../src/client/client.js";
import { agentHarness } from "../agent/harness.js";

t.test("a stop during a bind lets it commit and answers the caller", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const held = h.host.kernel.faults.blockWrite("bus/pci/drivers/vfio-pci/bind");
  const bind = client.bindDevice({ selector: { pciAddress: "0000:00:07.0" }, driver: "vfio-pci" });
  await held.whenFired();
  const half = h.host.kernel.device("0000:00:07.0");
  t.equal(half?.driver, null, "half-way: unbound from ena, not yet bound");

  const stopping = h.agent.stop();
  // New callers are turned away while the transaction finishes.
  const late = connectAgent({ socketPath: h.socket }, { deadlineMs: 2_000 });
  t.teardown(() => late.close());
  await t.rejects(late.listDevices(), { code: "UNAVAILABLE" });

  held.release();
  const op = await bind;
  await stopping;
  t.equal(op.status, "OPERATION_STATUS_SUCCEEDED");
  t.equal(h.host.kernel.device("0000:00:07.0")?.driver, "vfio-pci");
  const open = h.agent.engine
    .operations()
    .filter((o) => o.status === "running" || o.status === "stuck");
  t.same(open, [], "no operation left open in the journal");
  t.ok(
    h.logs.some((l) => l.msg === "stopped" && l.hook === "journal-recovery"),
    "drained",
  );
});

t.test("a stop during a bind that fails lets it roll back to the snapshot", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const held = h.host.kernel.faults.blockWrite("bus/pci/drivers/ena/unbind");
  h.host.kernel.faults.failWrite("bus/pci/drivers/vfio-pci/bind", "ENODEV");
  const bind = client.bindDevice({ selector: { pciAddress: "0000:00:08.0" }, driver: "vfio-pci" });
  await held.whenFired();
  const stopping = h.agent.stop();
  held.release();
  const failed = await bind.then(
    () => null,
    (err: unknown) => err as { code: string; operationId?: string },
  );
  await stopping;
  t.ok(failed, "the caller hears that the bind failed");
  t.ok(failed?.operationId, "with the operation id");
  const dev = h.host.kernel.device("0000:00:08.0");
  t.equal(dev?.driver, "ena", "back with the kernel");
  t.equal(dev?.driverOverride, null, "override cleared");
  const view = h.agent.engine.operation(failed?.operationId ?? "");
  t.equal(view?.status, "rolled_back");
});
