import t from "tap";
import {
  parseResourceName,
  resourceNameProblem,
  socketFileName,
  sriovEnvName,
} from "../../src/kubelet/index.js";

t.test("extended resource names kubelet accepts", async (t) => {
  for (const name of ["eni-agent.io/ena-dpdk", "intel.com/intel_sriov_dpdk", "a.b/X.y-z_1"]) {
    t.equal(resourceNameProblem(name), null, name);
  }
});

t.test("names kubelet refuses", async (t) => {
  for (const [name, why] of [
    ["ena-dpdk", /domain/],
    ["kubernetes.io/ena", /reserved/],
    ["node.kubernetes.io/ena", /reserved/],
    ["requests.example.com/ena", /requests/],
    ["Example.com/ena", /subdomain/],
    ["example.com/", /1 to 63/],
    ["example.com/-ena", /1 to 63/],
    [`example.com/${"a".repeat(64)}`, /1 to 63/],
    [`${"a".repeat(245)}.com/ena`, /subdomain/],
  ] as const) {
    t.match(resourceNameProblem(name), why, name);
  }
  t.throws(() => parseResourceName("ena"), { code: "INVALID_ARGUMENT" });
});

t.test("the SR-IOV plugin's variable: PCIDEVICE_, dots to underscores, upper case", async (t) => {
  // The SR-IOV plugin's own example resource.
  t.equal(
    sriovEnvName(parseResourceName("intel.com/intel_sriov_dpdk")),
    "PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK",
  );
  // "-" is kept, as the SR-IOV plugin keeps it.
  t.equal(
    sriovEnvName(parseResourceName("eni-agent.io/ena-dpdk")),
    "PCIDEVICE_ENI-AGENT_IO_ENA-DPDK",
  );
});

t.test("socket file names are plain file names", async (t) => {
  t.equal(
    socketFileName(parseResourceName("eni-agent.io/ena-dpdk")),
    "eni-agent-eni-agent-io-ena-dpdk.sock",
  );
  t.match(socketFileName(parseResourceName("a.b/C_d")), /^eni-agent-[a-z0-9-]+\.sock$/);
});
