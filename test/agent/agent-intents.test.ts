/**
 * The controller contract wired to the driver engine: the operations an
 * intent starts name the intent's owner as who asked, so that the
 * operation log says which controller's intent moved a device.
 */
import t from "tap";
import { deviceLookup, intentMoves } from "../../src/agent/agent-intents.js";
import { type DriverName, parseEniId, parseMac } from "../../src/common/index.js";
import { EniIntents, MemoryIntentStore } from "../../src/intents/index.js";
import { ec2Host } from "../../src/sim/index.js";
import { harness } from "../driver/engine-harness.js";

const ENI = parseEniId("eni-0000000000000000b");
const caller = { identity: "unix:uid=1000", admin: false };

t.test("an intent's bind and its release's restore are requested by its owner", async (t) => {
  const kernel = ec2Host({ enis: 2 });
  // The second ENI: the first carries the default route.
  const ena = kernel.devices().filter((d) => d.vendor === 0x1d0f && d.mac !== null);
  const device = ena[ena.length - 1];
  if (device?.mac == null) throw new Error("the host has no second ENA device");
  const { engine } = await harness(kernel);
  const intents = new EniIntents({
    store: new MemoryIntentStore(),
    locate: async () => ({ kind: "absent" }),
    deviceOf: deviceLookup(kernel.sysfs, engine),
    ...intentMoves(engine),
    mayBind: () => true,
    log: { info: () => undefined, warn: () => undefined },
  });
  await intents.start(new AbortController().signal);

  const owner = "nodeeni/4f1c";
  const status = await intents.put(
    {
      eniId: ENI,
      mac: parseMac(device.mac),
      driver: "vfio-pci" as DriverName,
      owner,
      generation: 1,
      requestId: "put-1",
      force: false,
    },
    caller,
  );
  t.equal(status.phase, "BOUND");
  const released = await intents.release(
    { eniId: ENI, owner, requestId: "release-1", force: false },
    caller,
  );
  t.equal(released.outcome, "SAFE_TO_DETACH");

  const ops = engine.operations().map((o) => ({
    kind: o.header.kind,
    device: o.header.device,
    requestedBy: o.header.request?.requestedBy,
  }));
  t.same(ops, [
    { kind: "bind", device: device.address, requestedBy: `intent:${owner}` },
    { kind: "restore", device: device.address, requestedBy: `intent:${owner}` },
  ]);
  await intents.stop();
});
