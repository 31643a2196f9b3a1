/** SimEniWorld (issue 13): EC2 attach/detach kept in step with the simulated kernel. */
import t from "tap";
import { FakeEc2Model } from "../../src/sim/aws/fake-ec2-model.js";
import { FakeImds } from "../../src/sim/aws/fake-imds.js";
import { ec2Host, SimEniWorld } from "../../src/sim/index.js";

function world() {
  const model = new FakeEc2Model(() => 0);
  const kernel = ec2Host();
  const imds = new FakeImds();
  const instance = model.createInstance();
  return {
    model,
    kernel,
    imds,
    world: new SimEniWorld({ model, kernel, imds, instanceId: instance.id }),
  };
}

t.test("an attach hot-plugs an ENA with the ENI's MAC at the next free slot", async (t) => {
  const { model, kernel, imds, world: w } = world();
  const a = model.createEni();
  const b = model.createEni();
  w.attach(a.id);
  w.attach(b.id);
  t.equal(kernel.device("0000:00:09.0")?.mac, a.mac);
  t.equal(kernel.device("0000:00:0a.0")?.mac, b.mac);
  t.equal(kernel.device("0000:00:09.0")?.driver, "ena", "probed by ena");
  t.same(
    [a, b].map((e) => [e.attachment?.deviceIndex, imds.data.interfaces.get(e.mac)?.interfaceId]),
    [
      [1, a.id],
      [2, b.id],
    ],
  );
  t.throws(
    () => w.attach(a.id),
    { code: "InvalidNetworkInterface.InUse" },
    "EC2's answer for an attached ENI",
  );
});

t.test("a detach unplugs the device; off the kernel driver it is a hazard", async (t) => {
  const { model, kernel, imds, world: w } = world();
  const safe = model.createEni();
  const yanked = model.createEni();
  w.attach(safe.id);
  w.attach(yanked.id);
  await kernel.sysfs.write("bus/pci/devices/0000:00:0a.0/driver_override", "vfio-pci");
  await kernel.sysfs.write("bus/pci/drivers/ena/unbind", "0000:00:0a.0");
  await kernel.sysfs.write("bus/pci/drivers_probe", "0000:00:0a.0");
  t.equal(kernel.device("0000:00:0a.0")?.driver, "vfio-pci");

  await w.detach(safe.id);
  t.equal(kernel.device("0000:00:09.0"), undefined);
  t.notOk(imds.data.interfaces.has(safe.mac));
  t.same(w.hazards, []);
  await w.detach(yanked.id);
  t.equal(kernel.device("0000:00:0a.0"), undefined);
  t.same(w.hazards, [{ eniId: yanked.id, driver: "vfio-pci" }]);
});
