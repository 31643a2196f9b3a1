/**
 * Readiness at start (issue 11): the "startup" health component, which the
 * unit's `ExecStartPost=eni-agent ready --wait` waits for, turns healthy only
 * once the desired bindings of the start-up pass are done, so that a DPDK
 * application ordered after eni-agent.service finds its device bound.
 */
import t from "tap";
import { ec2Mac } from "../../src/sim/index.js";
import { agentHarness, eventually } from "../agent/harness.js";
import { cli } from "../cli/daemon-support.js";

t.test("startup is healthy only after the boot-time bindings are done", async (t) => {
  const h = await agentHarness(t, {
    config: { bindings: [{ mac: ec2Mac(6), driver: "vfio-pci" }] },
    start: false,
  });
  const held = h.host.kernel.faults.blockWrite("bus/pci/drivers/vfio-pci/bind");
  await h.agent.start();
  t.teardown(() => h.agent.stop());
  await held.whenFired();
  const startup = () => h.agent.core.health().components.find((c) => c.name === "startup");
  t.match(startup(), { healthy: false, detail: "applying desired bindings" });
  t.ok(h.agent.core.health().serving, "the daemon serves while the binding runs");
  const early = await cli(["ready", "--socket", h.socket]);
  t.equal(early.code, 6, "not ready yet");
  t.match(early.stderr, /applying desired bindings/);

  held.release();
  await eventually(() => startup()?.healthy === true);
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "vfio-pci");
  const ready = await cli(["ready", "--socket", h.socket]);
  t.equal(ready.code, 0, ready.stderr);
  const order = h.logs.map((l) => l.msg);
  t.ok(
    order.indexOf("desired binding applied") < order.indexOf("start-up done"),
    "the log says start-up is done after the binding",
  );
});

t.test("a binding that fails still ends the start-up, with the reason logged", async (t) => {
  const h = await agentHarness(t, {
    config: { bindings: [{ mac: "02:00:00:00:00:99", driver: "vfio-pci" }] },
  });
  await eventually(
    () => h.agent.core.health().components.find((c) => c.name === "startup")?.healthy === true,
  );
  t.ok(h.logs.some((l) => l.msg === "desired binding not applied"));
});
