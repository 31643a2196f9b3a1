/**
 * kubelet's device plugin, through the whole daemon on the simulator and a
 * fake kubelet (test/support/fake-kubelet.ts): registration, devices moving
 * in and out of an open ListAndWatch stream as the API binds and restores
 * them, Unhealthy before every restore or unplug, kubelet restarts and a
 * removed socket.
 */
import { lstat, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import t from "tap";
import { connectAgent } from "../../src/client/client.js";
import { agentHarness, eventually, tempDir } from "../agent/harness.js";
import { listed, POOL, pluginHarness } from "./device-plugin-harness.js";

const A = "0000:00:06.0";
const B = "0000:00:07.0";

t.test("registers, then follows binds and restores in the open stream", async (t) => {
  const h = await pluginHarness(t);
  const { kubelet } = h;
  await eventually(() => kubelet.connected(POOL));
  t.same(
    kubelet.registrations.map((r) => [r.resource, r.endpoint, r.accepted]),
    [[POOL, "eni-agent-eni-agent-io-ena-dpdk.sock", true]],
  );
  t.same(kubelet.options_(POOL), {
    preStartRequired: false,
    getPreferredAllocationAvailable: true,
  });
  await listed(kubelet, POOL, (s) => s.length === 0);

  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: A }, driver: "vfio-pci" });
  t.same(await listed(kubelet, POOL, (s) => s.length === 1), [`${A}:Healthy`]);
  await client.bindDevice({ selector: { pciAddress: B }, driver: "uio_pci_generic" });
  t.same(await listed(kubelet, POOL, (s) => s.length === 2), [`${A}:Healthy`, `${B}:Healthy`]);
  t.equal(kubelet.registrations.length, 1, "no new registration: the same stream");

  const before = kubelet.lists.get(POOL)!.length;
  await client.restoreDevice({ selector: { pciAddress: A } });
  await listed(kubelet, POOL, (s) => s.length === 1);
  const after = kubelet.lists.get(POOL)!.slice(before);
  const unhealthy = after.findIndex((l) =>
    l.devices.some((d) => d.ID === A && d.health === "Unhealthy"),
  );
  t.ok(unhealthy >= 0, "the restored device was sent Unhealthy");
  t.equal(
    (after[unhealthy]!.seen as Record<string, string>)[A],
    "vfio-pci",
    "while it was still on vfio-pci",
  );
  t.ok(
    after.slice(unhealthy + 1).some((l) => !l.devices.some((d) => d.ID === A)),
    "then it left",
  );
  t.same(kubelet.summary(POOL), [`${B}:Healthy`]);
});

t.test("a device unplugged under the agent is sent Unhealthy, then leaves", async (t) => {
  const h = await pluginHarness(t);
  const { kubelet } = h;
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: A }, driver: "vfio-pci" });
  await client.bindDevice({ selector: { pciAddress: B }, driver: "vfio-pci" });
  await listed(kubelet, POOL, (s) => s.length === 2);
  const before = kubelet.lists.get(POOL)!.length;
  // No request of the agent's: only the device watcher sees it go.
  await h.host.kernel.unplugDevice(A);
  t.same(await listed(kubelet, POOL, (s) => s.length === 1), [`${B}:Healthy`]);
  const after = kubelet.lists.get(POOL)!.slice(before);
  t.same(
    after.map((l) => l.devices.map((d) => `${d.ID}:${d.health}`)),
    [[`${A}:Unhealthy`, `${B}:Healthy`], [`${B}:Healthy`]],
    "Unhealthy in one list, gone in the next",
  );
  t.equal(kubelet.registrations.length, 1, "on the same stream");
});

t.test("the plugin waits for kubelet, and registers again after a restart", async (t) => {
  const h = await pluginHarness(t, { kubeletFirst: false });
  const { kubelet } = h;
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: A }, driver: "vfio-pci" });
  t.equal(kubelet.registrations.length, 0);
  await kubelet.start();
  t.same(await listed(kubelet, POOL, (s) => s.length === 1), [`${A}:Healthy`]);

  await kubelet.restart();
  await eventually(() => kubelet.registrations.length === 2 && kubelet.connected(POOL));
  t.same(await listed(kubelet, POOL, (s) => s.at(-1) === `${A}:Healthy`), [`${A}:Healthy`]);
  t.equal(h.agent.kubelet.plugin()?.registrations, 2);

  // A device bound after the restart reaches the new kubelet's stream.
  await client.bindDevice({ selector: { pciAddress: B }, driver: "vfio-pci" });
  t.same(await listed(kubelet, POOL, (s) => s.length === 2), [`${A}:Healthy`, `${B}:Healthy`]);
});

t.test("a removed plugin socket is made again and registered", async (t) => {
  const h = await pluginHarness(t);
  const { kubelet } = h;
  await eventually(() => kubelet.connected(POOL));
  const socket = join(h.directory, "eni-agent-eni-agent-io-ena-dpdk.sock");
  await rm(socket);
  await eventually(() => kubelet.registrations.length === 2 && kubelet.connected(POOL));
  t.ok((await lstat(socket)).isSocket(), "the socket is back");
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: A }, driver: "vfio-pci" });
  t.same(await listed(kubelet, POOL, (s) => s.length === 1), [`${A}:Healthy`]);
});

t.test("a registration kubelet refuses is tried again", async (t) => {
  const h = await pluginHarness(t, { kubeletFirst: false });
  h.kubelet.refuseRegistrations("device plugin manager is busy");
  await h.kubelet.start();
  await eventually(() => h.kubelet.registrations.length === 1);
  h.kubelet.refuseRegistrations(null);
  await eventually(() => h.kubelet.connected(POOL));
  t.same(
    h.kubelet.registrations.map((r) => r.accepted),
    [false, true],
  );
  t.ok(
    h.logs.some((l) => l.msg === "kubelet did not accept the device plugin; retrying"),
    "the refusal is logged",
  );
});

t.test("a plugin directory that is not a directory stops the start", async (t) => {
  const dir = await tempDir(t, "eni-dp-");
  const directory = join(dir, "not-a-dir");
  await writeFile(directory, "");
  const h = await agentHarness(t, {
    dir,
    config: {
      devicePlugin: { enabled: true, directory, podResourcesSocket: join(dir, "pr.sock") },
    },
    start: false,
  });
  await t.rejects(h.agent.start(), {
    code: "FAILED_PRECONDITION",
    message: /not-a-dir is not a directory/,
  });
  t.equal(h.agent.kubelet.plugin(), null, "no half-started plugin is kept");
  await t.rejects(lstat(h.socket), { code: "ENOENT" }, "the API never listened");
});
