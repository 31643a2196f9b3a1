/**
 * What the device plugin protects: a device a container holds (kubelet's
 * pod resources say so, or an Allocate kubelet has not reported yet) is not
 * taken from its DPDK driver without force; a termination plan turns every
 * device Unhealthy before its first restore.
 */
import t from "tap";
import { connectAgent } from "../../src/client/client.js";
import { eventually } from "../agent/harness.js";
import { listed, POOL, pluginHarness } from "./device-plugin-harness.js";

const A = "0000:00:06.0";
const B = "0000:00:07.0";
const holding = (...ids: string[]) => [
  {
    name: "dpdk-0",
    namespace: "net",
    containers: [{ name: "app", devices: [{ resourceName: POOL, deviceIds: ids }] }],
  },
];

t.test("a device a pod holds is restored only with force", async (t) => {
  const h = await pluginHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: A }, driver: "vfio-pci" });
  await listed(h.kubelet, POOL, (s) => s.length === 1);
  h.kubelet.setPods(holding(A));

  await t.rejects(client.restoreDevice({ selector: { pciAddress: A } }), {
    code: "FAILED_PRECONDITION",
    guard: "allocated-to-pod",
    message: /net\/dpdk-0 \(container app\)/,
  });
  await t.rejects(client.restoreDevice({ selector: { pciAddress: A }, dryRun: true }), {
    code: "FAILED_PRECONDITION",
    guard: "allocated-to-pod",
  });
  await t.rejects(
    client.bindDevice({ selector: { pciAddress: A }, driver: "uio_pci_generic" }),
    {
      code: "FAILED_PRECONDITION",
      guard: "allocated-to-pod",
    },
    "a rebind to another DPDK driver takes it from the pod too",
  );
  await client.bindDevice({ selector: { pciAddress: A }, driver: "vfio-pci" });
  t.equal(h.host.kernel.device(A)?.driver, "vfio-pci", "still with the pod");
  t.same(
    await listed(h.kubelet, POOL, (s) => s[0] === `${A}:Healthy`),
    [`${A}:Healthy`],
    "and healthy again",
  );

  await client.restoreDevice({ selector: { pciAddress: A }, force: true });
  t.equal(h.host.kernel.device(A)?.driver, "ena");
  await listed(h.kubelet, POOL, (s) => s.length === 0);
});

t.test("an Allocate kubelet does not report yet holds the device", async (t) => {
  const h = await pluginHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: A }, driver: "vfio-pci" });
  await listed(h.kubelet, POOL, (s) => s.length === 1);
  await h.kubelet.allocate(POOL, [A]);
  await t.rejects(client.restoreDevice({ selector: { pciAddress: A } }), {
    guard: "allocated-to-pod",
    message: /not reported by kubelet yet/,
  });
});

t.test("without kubelet's pod resources a pooled device stays", async (t) => {
  const h = await pluginHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: A }, driver: "vfio-pci" });
  await listed(h.kubelet, POOL, (s) => s.length === 1);
  await h.kubelet.podResourcesDown();
  await t.rejects(client.restoreDevice({ selector: { pciAddress: A } }), {
    code: "UNAVAILABLE",
    guard: "allocated-to-pod",
  });
  t.equal(h.host.kernel.device(A)?.driver, "vfio-pci");
  // A device kubelet was never offered is not kubelet's to hold.
  await client.restoreDevice({ selector: { pciAddress: "0000:00:08.0" } });
});

t.test("a termination plan turns the pool Unhealthy before its first restore", async (t) => {
  const h = await pluginHarness(t, { config: { termination: { dpdkGraceMs: 0 } } });
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: A }, driver: "vfio-pci" });
  await client.bindDevice({ selector: { pciAddress: B }, driver: "uio_pci_generic" });
  await listed(h.kubelet, POOL, (s) => s.length === 2);
  const from = h.kubelet.lists.get(POOL)!.length;

  h.host.fakeImds.announceSpot("terminate", 120_000);
  await eventually(() => h.host.kernel.device(A)?.driver === "ena");
  await eventually(() => h.host.kernel.device(B)?.driver === "ena");
  await listed(h.kubelet, POOL, (s) => s.length === 0);
  const lists = h.kubelet.lists.get(POOL)!.slice(from);
  const first = lists[0]!;
  t.same(
    first.devices.map((d) => `${d.ID}:${d.health}`),
    [`${A}:Unhealthy`, `${B}:Unhealthy`],
    "the first list after the notice has every device Unhealthy",
  );
  t.same(
    first.seen,
    { ...(first.seen as object), [A]: "vfio-pci", [B]: "uio_pci_generic" },
    "sent while both were still on their DPDK drivers",
  );
  t.notOk(
    lists.some((l) => l.devices.some((d) => d.health === "Healthy")),
    "and nothing turned Healthy again",
  );
});
