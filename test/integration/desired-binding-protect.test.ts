/**
 * A binding declared in the configuration is applied at start-up, and the
 * ENI it hands to DPDK is marked DeleteOnTermination just as an API bind's
 * is, so a desired binding never leaks its ENI (invariant 6).
 */
import t from "tap";
import { simEniId } from "../../src/agent/simulated-host.js";
import { agentHarness, eventually } from "../agent/harness.js";

t.test("a configured binding marks its owned ENI DeleteOnTermination", async (t) => {
  const h = await agentHarness(t, {
    config: { bindings: [{ eniId: simEniId(7), driver: "vfio-pci" }] },
  });
  const model = h.host.fakeEc2.model;
  const marked = (id: string) => model.enis.get(id)?.attachment?.deleteOnTermination;
  await eventually(() => h.host.kernel.device("0000:00:07.0")?.driver === "vfio-pci");
  await eventually(() => marked(simEniId(7)) === true);
  t.equal(marked(simEniId(6)), false, "an ENI left with the kernel is not marked");
});
