import t from "tap";
import { harness } from "./engine-harness.js";
import { ec2State } from "./mini-kernel.js";

const A = "0000:00:06.0";

t.test(
  "bind to vfio-pci and restore: verified both ways, journaled, the MAC comes back",
  async (t) => {
    const { kernel, engine } = await harness();
    const bound = await engine.bind(A, "vfio-pci");
    t.equal(bound.status, "committed");
    t.match(bound.state, {
      driver: "vfio-pci",
      override: "vfio-pci",
      devNode: "/dev/vfio/noiommu-0",
    });
    t.same(
      kernel.writes.map((w) => `${w.path} ${JSON.stringify(w.data)}`),
      [
        'bus/pci/devices/0000:00:06.0/driver_override "vfio-pci"',
        'bus/pci/drivers/ena/unbind "0000:00:06.0"',
        'bus/pci/drivers/vfio-pci/bind "0000:00:06.0"',
      ],
    );
    t.equal(engine.home(bound.device)?.mac, "0e:00:00:00:00:06");
    const restored = await engine.restore("0e:00:00:00:00:06");
    t.equal(restored.status, "committed");
    t.match(restored.state, { driver: "ena", override: null });
    t.equal(restored.state.interfaces[0]?.mac, "0e:00:00:00:00:06");
    t.same(kernel.dev(A), { ...ec2State().devices[0], ifname: restored.state.interfaces[0]?.name });
    t.same(
      engine.operations().map((o) => [o.header.kind, o.status]),
      [
        ["bind", "committed"],
        ["restore", "committed"],
      ],
    );
  },
);

t.test("binding to the driver a device already has is a no-op success", async (t) => {
  const { kernel, engine } = await harness();
  const result = await engine.bind("eth0", "ena");
  t.equal(result.status, "noop");
  t.equal(result.operationId, null);
  t.equal(kernel.writes.length, 0);
});
