/**
 * ListDevices answers from the daemon's device view: what the agent does
 * shows at once, a change made outside it shows with `fresh`, or once the
 * device poll or the view's age catches it.
 */
import t from "tap";
import { connectAgent } from "../../src/client/client.js";
import type { CallContext } from "../../src/server/agent-core.js";
import type { DeviceList } from "../../src/server/core-types.js";
import { agentHarness, eventually } from "../agent/harness.js";

t.test("a bind shows in the next listing; an outside change shows with fresh", async (t) => {
  // Long intervals: only the agent's own events and `fresh` refresh the view here.
  const h = await agentHarness(t, {
    config: {
      deviceWatch: { pollIntervalMs: 600_000 },
      imds: { identityIntervalMs: 600_000, requestTimeoutMs: 200 },
    },
  });
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const driverOf = async (address: string, fresh = false) =>
    (await client.listDevices({ fresh })).find((d) => d.pciAddress === address)?.driver;

  t.equal(await driverOf("0000:00:06.0"), "ena");
  await client.bindDevice({ selector: { pciAddress: "0000:00:06.0" }, driver: "vfio-pci" });
  t.equal(await driverOf("0000:00:06.0"), "vfio-pci", "the caller reads its own write");
  const bound = (await client.listDevices()).find((d) => d.pciAddress === "0000:00:06.0");
  t.match(bound?.devNode, /^\/dev\/vfio\/(noiommu-)?\d+$/, "the node DPDK opens");
  t.equal(
    (await client.getDevice({ pciAddress: "0000:00:05.0" })).devNode,
    undefined,
    "none under ena",
  );

  const before = await h.agent.core.listDevices({ fresh: false }, ctx());
  const mtuOf = (list: DeviceList) =>
    list.devices.find((d) => d.pciAddress === "0000:00:07.0")?.identity.mtu;
  h.host.kernel.setMtu(interfaceOf(before, "0000:00:07.0"), 1234);
  const kept = await h.agent.core.listDevices({ fresh: false }, ctx());
  t.equal(kept, before, "nothing the agent knows of changed: the kept listing answers");
  const fresh = await h.agent.core.listDevices({ fresh: true }, ctx());
  t.equal(mtuOf(fresh), 1234, "fresh re-reads sysfs");
  t.ok(fresh.observedAt >= before.observedAt, "and says when it read");
  t.not(mtuOf(kept), 1234);
});

t.test("an outside driver change shows once the device poll sees it", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.listDevices();
  await h.host.sysfs.write("bus/pci/drivers/ena/unbind", "0000:00:08.0");
  await eventually(async () => {
    const device = (await client.listDevices()).find((d) => d.pciAddress === "0000:00:08.0");
    return (
      device !== undefined && device.driver === undefined && device.state === "DEVICE_STATE_UNBOUND"
    );
  });
  t.pass("the listing shows the device unbound");
});

function interfaceOf(list: DeviceList, address: string): string {
  const name = list.devices.find((d) => d.pciAddress === address)?.identity.interfaceName;
  if (name === undefined || name === null) throw new Error(`no interface for ${address}`);
  return name;
}

function ctx(): CallContext {
  return {
    signal: new AbortController().signal,
    caller: { listener: "unix", identity: "test", access: "read" },
  };
}

t.test("GetDevice reads one device, and only a managed one", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  h.host.kernel.setMtu("ens7", 4321);
  const device = await client.getDevice({ pciAddress: "0000:00:07.0" });
  t.equal(device.identity?.mtu, 4321, "read now, not from the view");
  await t.rejects(client.getDevice({ pciAddress: "0000:00:00.0" }), {
    code: "NOT_FOUND",
    message: /not a device eni-agent manages/,
  });
  await t.rejects(client.getDevice({ pciAddress: "0000:00:1f.0" }), { code: "NOT_FOUND" });
});
