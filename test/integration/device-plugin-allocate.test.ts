/**
 * Allocate and GetPreferredAllocation through the whole daemon, as the
 * fake kubelet asks them: the device nodes for vfio-pci with an IOMMU and
 * in no-IOMMU mode and for uio_pci_generic, the SR-IOV plugin's variables,
 * a preference for one NUMA node, and pools split by driver, subnet and
 * ENI tag.
 */
import t from "tap";
import { simEniId } from "../../src/agent/simulated-host.js";
import { connectAgent } from "../../src/client/client.js";
import { ec2Host } from "../../src/sim/index.js";
import { listed, POOL, pluginHarness } from "./device-plugin-harness.js";

const ENV = "PCIDEVICE_ENI-AGENT_IO_ENA-DPDK";
const nodes = (answer: { devices: { hostPath: string; containerPath: string }[] }) =>
  answer.devices.map((d) => (d.hostPath === d.containerPath ? d.hostPath : `${d.hostPath}→?`));

t.test("vfio-pci in no-IOMMU mode, and uio_pci_generic", async (t) => {
  const h = await pluginHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: "0000:00:06.0" }, driver: "vfio-pci" });
  await client.bindDevice({ selector: { pciAddress: "0000:00:07.0" }, driver: "uio_pci_generic" });
  await listed(h.kubelet, POOL, (s) => s.length === 2);

  const vfio = await h.kubelet.allocate(POOL, ["0000:00:06.0"]);
  const answer = vfio.containerResponses[0]!;
  t.same(nodes(answer), ["/dev/vfio/vfio", "/dev/vfio/noiommu-0"]);
  t.ok(h.host.kernel.devNodes().includes("/dev/vfio/noiommu-0"), "the node the kernel made");
  t.equal(answer.envs[ENV], "0000:00:06.0");
  t.same(JSON.parse(answer.envs[`${ENV}_INFO`]!)["0000:00:06.0"].vfio, {
    mount: "/dev/vfio/vfio",
    "dev-mount": "/dev/vfio/noiommu-0",
  });
  t.same(
    answer.devices.map((d) => d.permissions),
    ["rw", "rw"],
  );

  const uio = (await h.kubelet.allocate(POOL, ["0000:00:07.0"])).containerResponses[0]!;
  const uioNode = h.host.kernel.devNodes().find((n) => /^\/dev\/uio[0-9]+$/.test(n));
  t.same(nodes(uio), [uioNode], "the uio node the kernel made, and nothing of vfio");

  const both = (await h.kubelet.allocate(POOL, ["0000:00:07.0", "0000:00:06.0"]))
    .containerResponses[0]!;
  t.equal(both.envs[ENV], "0000:00:07.0,0000:00:06.0", "in the order kubelet asked");

  await t.rejects(h.kubelet.allocate(POOL, ["0000:00:08.0"]), /not in the pool/);
});

t.test("vfio-pci with an IOMMU: the device's own group", async (t) => {
  const h = await pluginHarness(t, { kernel: ec2Host({ iommu: true, noiommu: false }) });
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: "0000:00:06.0" }, driver: "vfio-pci" });
  await listed(h.kubelet, POOL, (s) => s.length === 1);
  const answer = (await h.kubelet.allocate(POOL, ["0000:00:06.0"])).containerResponses[0]!;
  t.same(nodes(answer), ["/dev/vfio/vfio", "/dev/vfio/11"]);
  t.ok(h.host.kernel.devNodes().includes("/dev/vfio/11"));
});

t.test("the preferred allocation keeps to one NUMA node", async (t) => {
  const h = await pluginHarness(t, { kernel: ec2Host({ enis: 6, numaNodes: 2 }) });
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  // ens5 (node 0) is the primary; 06,08,0a are on node 1, 07,09 on node 0.
  const all = ["0000:00:06.0", "0000:00:07.0", "0000:00:08.0", "0000:00:09.0", "0000:00:0a.0"];
  for (const pciAddress of all)
    await client.bindDevice({ selector: { pciAddress }, driver: "vfio-pci" });
  await listed(h.kubelet, POOL, (s) => s.length === 5);
  t.same(
    h.kubelet.latest(POOL)?.map((d) => d.topology?.nodes.map((n) => n.ID)),
    [["1"], ["0"], ["1"], ["0"], ["1"]],
    "each device's NUMA node goes to kubelet",
  );
  t.same(await h.kubelet.preferred(POOL, all, [], 2), ["0000:00:07.0", "0000:00:09.0"]);
  t.same(await h.kubelet.preferred(POOL, all, [], 3), [
    "0000:00:06.0",
    "0000:00:08.0",
    "0000:00:0a.0",
  ]);
  t.same(await h.kubelet.preferred(POOL, all, ["0000:00:08.0"], 2), [
    "0000:00:08.0",
    "0000:00:06.0",
  ]);
});

t.test("pools split by driver and subnet; a device joins the first that matches", async (t) => {
  const h = await pluginHarness(t, {
    devicePlugin: {
      pools: [
        { resourceName: "eni-agent.io/uio", driver: "uio_pci_generic" },
        { resourceName: "eni-agent.io/other-subnet", subnetIds: ["subnet-0ffffffff"] },
        { resourceName: "eni-agent.io/main-subnet", subnetIds: ["subnet-0ac62554"] },
      ],
    },
  });
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: "0000:00:06.0" }, driver: "vfio-pci" });
  await client.bindDevice({ selector: { pciAddress: "0000:00:07.0" }, driver: "uio_pci_generic" });
  t.same(await listed(h.kubelet, "eni-agent.io/uio", (s) => s.length === 1), [
    "0000:00:07.0:Healthy",
  ]);
  t.same(await listed(h.kubelet, "eni-agent.io/main-subnet", (s) => s.length === 1), [
    "0000:00:06.0:Healthy",
  ]);
  t.same(h.kubelet.summary("eni-agent.io/other-subnet"), []);
  t.equal(h.kubelet.registrations.filter((r) => r.accepted).length, 3, "one registration per pool");
});

t.test("a pool split by ENI tag offers only the ENIs EC2 says carry the tag", async (t) => {
  const h = await pluginHarness(t, {
    devicePlugin: {
      pools: [
        { resourceName: "eni-agent.io/tagged", eniTags: { role: "dpdk" } },
        { resourceName: "eni-agent.io/rest" },
      ],
    },
    prepare: (host) => host.fakeEc2.model.enis.get(simEniId(6))?.tags.set("role", "dpdk"),
  });
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  await client.bindDevice({ selector: { pciAddress: "0000:00:06.0" }, driver: "vfio-pci" });
  await client.bindDevice({ selector: { pciAddress: "0000:00:07.0" }, driver: "vfio-pci" });
  t.same(await listed(h.kubelet, "eni-agent.io/tagged", (s) => s.length === 1), [
    "0000:00:06.0:Healthy",
  ]);
  t.same(await listed(h.kubelet, "eni-agent.io/rest", (s) => s.length === 1), [
    "0000:00:07.0:Healthy",
  ]);
  t.notOk(
    h.kubelet.summary("eni-agent.io/rest").some((d) => d.startsWith("0000:00:06.0")),
    "the tagged device is offered once",
  );
});
