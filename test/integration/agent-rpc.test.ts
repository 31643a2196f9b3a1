/**
 * The daemon over its real Unix socket with the real client, on the
 * simulated EC2 host: list, get, bind, restore, operations, events,
 * hot-plug and hot-attach of a desired binding.
 */
import { readFile } from "node:fs/promises";
import t from "tap";
import { simEniId } from "../../src/agent/simulated-host.js";
import { connectAgent } from "../../src/client/client.js";
import { ENA_HARDWARE, ec2Mac } from "../../src/sim/index.js";
import { agentHarness, eventually } from "../agent/harness.js";
import { collectEvents } from "./events.js";

t.test("list, get, bind, restore, operations and their events", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const events = await collectEvents(client);
  t.teardown(() => events.stop());

  const devices = await client.listDevices();
  t.same(
    devices.map((d) => [d.pciAddress, d.driver, d.state, d.identity?.eniId, d.management]),
    [
      ["0000:00:05.0", "ena", "DEVICE_STATE_KERNEL", simEniId(5), true],
      ["0000:00:06.0", "ena", "DEVICE_STATE_KERNEL", simEniId(6), false],
      ["0000:00:07.0", "ena", "DEVICE_STATE_KERNEL", simEniId(7), false],
      ["0000:00:08.0", "ena", "DEVICE_STATE_KERNEL", simEniId(8), false],
    ],
  );
  const byEni = await client.getDevice({ eniId: simEniId(6) });
  t.equal(byEni.pciAddress, "0000:00:06.0");
  t.equal(byEni.identity?.deviceNumber, 1);

  const op = await client.bindDevice({ selector: { eniId: simEniId(6) }, driver: "vfio-pci" });
  t.equal(op.status, "OPERATION_STATUS_SUCCEEDED");
  t.equal(op.toDriver, "vfio-pci");
  t.match(op.requestedBy, /^unix:/);
  t.ok(
    op.steps.every((s) => s.status === "STEP_STATUS_DONE"),
    "every step done",
  );
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "vfio-pci", "the simulated kernel agrees");

  const result = await events.waitFor((e) => e.operationResult?.operation?.id === op.id);
  t.equal(result.operationResult?.operation?.status, "OPERATION_STATUS_SUCCEEDED");
  t.ok(
    events.events.some((e) => e.operationProgress?.operation?.id === op.id),
    "progress events came before the result",
  );
  const changed = await events.waitFor(
    (e) =>
      e.driverChanged?.pciAddress === "0000:00:06.0" && e.driverChanged.toDriver === "vfio-pci",
  );
  t.equal(
    changed.driverChanged?.operationId,
    op.id,
    "the poller attributes the change to the operation",
  );

  // Under vfio-pci the netdev is gone; the identity comes from the journal.
  const bound = await client.getDevice({ macAddress: ec2Mac(6) });
  t.equal(bound.state, "DEVICE_STATE_DPDK");
  t.equal(bound.identity?.interfaceName, "ens6");
  t.equal(bound.identity?.eniId, simEniId(6));

  t.equal((await client.getOperation(op.id)).id, op.id);
  const page = await client.listOperations({ pageSize: 10 });
  t.equal(page.operations[0]?.id, op.id);

  const dry = await client.restoreDevice({
    selector: { pciAddress: "0000:00:06.0" },
    dryRun: true,
  });
  t.equal(dry.status, "OPERATION_STATUS_PLANNED");
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "vfio-pci", "a dry run writes nothing");

  const back = await client.restoreDevice({ selector: { pciAddress: "0000:00:06.0" } });
  t.equal(back.status, "OPERATION_STATUS_SUCCEEDED");
  t.equal((await client.getDevice({ interfaceName: "ens6" })).state, "DEVICE_STATE_KERNEL");

  const first = await client.listOperations({ pageSize: 1 });
  t.equal(first.operations[0]?.id, back.id, "newest first");
  t.ok(first.nextPageToken, "a token for the next page");
  const next = await client.listOperations({ pageSize: 1, pageToken: first.nextPageToken });
  t.notSame(next.operations[0]?.id, back.id);
  await t.rejects(client.listOperations({ pageSize: 1, pageToken: "a.op-unknown" }), {
    code: "INVALID_ARGUMENT",
  });

  await t.rejects(
    client.bindDevice({ selector: { pciAddress: "0000:00:05.0" }, driver: "vfio-pci" }),
    { code: "FAILED_PRECONDITION", guard: "default-route" },
    "the primary ENI stays with the kernel",
  );
  await t.rejects(client.getDevice({ eniId: "eni-0123456789abcdef0" }), { code: "NOT_FOUND" });
  t.same(h.fatal, []);
});

t.test("a hot-plugged device is announced; one with a desired binding is bound", async (t) => {
  const h = await agentHarness(t, {
    config: { bindings: [{ mac: ec2Mac(10), driver: "uio_pci_generic" }] },
  });
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const events = await collectEvents(client);
  t.teardown(() => events.stop());

  h.host.kernel.addDevice({ ...ENA_HARDWARE, address: "0000:00:09.0", mac: ec2Mac(9) });
  const added = await events.waitFor((e) => e.deviceAdded?.device?.pciAddress === "0000:00:09.0");
  t.equal(added.deviceAdded?.device?.driver, "ena", "the kernel probed it");
  t.equal(h.host.kernel.device("0000:00:09.0")?.driver, "ena", "no binding: stays with the kernel");

  h.host.kernel.addDevice({ ...ENA_HARDWARE, address: "0000:00:0a.0", mac: ec2Mac(10) });
  await events.waitFor((e) => e.deviceAdded?.device?.pciAddress === "0000:00:0a.0");
  const applied = await events.waitFor(
    (e) =>
      e.operationResult?.operation?.pciAddress === "0000:00:0a.0" &&
      e.operationResult.operation.status === "OPERATION_STATUS_SUCCEEDED",
  );
  t.equal(applied.operationResult?.operation?.kind, "OPERATION_KIND_REAPPLY");
  t.equal(h.host.kernel.device("0000:00:0a.0")?.driver, "uio_pci_generic");

  await h.host.kernel.unplugDevice("0000:00:09.0");
  const removed = await events.waitFor((e) => e.deviceRemoved?.pciAddress === "0000:00:09.0");
  t.equal(removed.deviceRemoved?.identity?.macAddress, ec2Mac(9));
  await eventually(async () => (await client.listDevices()).length === 5);
});

t.test("the host report names the daemon's version", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));
  t.equal((await client.getHostReport()).agentVersion, pkg.version);
});
