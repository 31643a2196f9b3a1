import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { ec2Host, ec2Mac } from "../../src/sim/index.js";
import { harness } from "./engine-harness.js";

const A = "0000:00:06.0" as PciAddress;

t.test(
  "bind to vfio-pci and restore: verified both ways, journaled, the MAC comes back",
  async (t) => {
    const { kernel, engine } = await harness();
    const before = kernel.device(A)!;
    const bound = await engine.bind(A, "vfio-pci" as DriverName);
    t.equal(bound.status, "committed");
    t.match(bound.state, {
      driver: "vfio-pci",
      override: "vfio-pci",
      devNode: "/dev/vfio/noiommu-0",
    });
    t.same(
      kernel.writeLog().map((w) => `${w.path} ${JSON.stringify(w.data)} ${w.result}`),
      [
        'bus/pci/devices/0000:00:06.0/driver_override "vfio-pci" OK',
        'bus/pci/drivers/ena/unbind "0000:00:06.0" OK',
        'bus/pci/drivers/vfio-pci/bind "0000:00:06.0" OK',
      ],
    );
    t.equal(engine.home(bound.device)?.mac, ec2Mac(6));
    t.equal(engine.home(bound.device)?.interface, "ens6");
    const restored = await engine.restore(await engine.resolve(ec2Mac(6)));
    t.equal(restored.status, "committed");
    t.match(restored.state, { driver: "ena", override: null });
    t.equal(restored.state.interfaces[0]?.mac, ec2Mac(6));
    const after = kernel.device(A)!;
    t.equal(after.driver, before.driver);
    t.equal(after.driverOverride, null);
    t.equal(after.net?.name, "ens6");
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
  const result = await engine.bind(await engine.resolve("ens6"), "ena" as DriverName);
  t.equal(result.status, "noop");
  t.equal(result.operationId, null);
  t.equal(kernel.writeLog().length, 0);
});

t.test("the primary interface with the default route is refused without force", async (t) => {
  const { kernel, engine } = await harness(ec2Host(), { primaryMac: ec2Mac(5) });
  await t.rejects(engine.bind(await engine.resolve("ens5"), "vfio-pci" as DriverName), {
    code: "FAILED_PRECONDITION",
    guard: "default-route",
  });
  t.equal(kernel.writeLog().length, 0, "a refusal writes nothing");
});
