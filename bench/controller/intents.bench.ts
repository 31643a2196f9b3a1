/**
 * The controller contract's latencies (issue 13), on the kernel simulator
 * with the fake EC2 model coupled to it (SimEniWorld):
 *
 * - attach → BOUND: the intent is stored first (PENDING_ATTACH); the clock
 *   runs from the attach (the device hot-plugs) to every ENI reported BOUND;
 * - ReleaseEni → SAFE_TO_DETACH: from the release calls to every answer.
 *
 * With 1 ENI and with 8 at once. The writes carry a tenth of a kernel's
 * latencies, as in bind-restore.bench.ts. In the daemon, the apply starts
 * when the device watcher sees the new device (deviceWatch.pollIntervalMs
 * later, or at once with the udev-driven watcher); that wait is not in these
 * numbers, which measure the agent's own work from the trigger on.
 */
import { deviceLookup, intentMoves } from "../../src/agent/agent-intents.js";
import { type DriverName, parseEniId, parseMac } from "../../src/common/index.js";
import { MemoryJournal, realClock } from "../../src/driver/index.js";
import { EniIntents, MemoryIntentStore } from "../../src/intents/index.js";
import { FakeEc2Model } from "../../src/sim/aws/fake-ec2-model.js";
import { ec2Host, SimEniWorld } from "../../src/sim/index.js";
import { harness } from "../../test/driver/engine-harness.js";
import { defineBench, type Measurement } from "../support/bench.js";

const SAMPLES = 20;
const caller = { identity: "bench", admin: false };

async function host() {
  const kernel = ec2Host();
  const forever = { times: Number.POSITIVE_INFINITY };
  kernel.faults.delayWrite("bus/pci/drivers/ena/unbind", 3, forever);
  kernel.faults.delayWrite("bus/pci/drivers/vfio-pci/bind", 1, forever);
  kernel.faults.delayWrite("bus/pci/drivers/vfio-pci/unbind", 5, forever);
  kernel.faults.delayWrite("bus/pci/drivers/ena/bind", 10, forever);
  const model = new FakeEc2Model(() => 0);
  model.detachDelayMs = 0;
  const instance = model.createInstance();
  const world = new SimEniWorld({ model, kernel, instanceId: instance.id });
  // Real waits: the latencies are measured, so the engine's clock is the real one.
  const { engine } = await harness(kernel, {
    journal: new MemoryJournal(),
    engine: { verifyTimeoutMs: 2_000, verifyPollMs: 1 },
    clock: realClock,
  });
  const intents = new EniIntents({
    store: new MemoryIntentStore(),
    locate: async (eniId) => {
      const eni = model.enis.get(eniId);
      return eni?.attachment ? { kind: "attached", mac: parseMac(eni.mac) } : { kind: "absent" };
    },
    deviceOf: deviceLookup(kernel.sysfs, engine),
    ...intentMoves(engine),
    mayBind: () => true,
    log: { info: () => undefined, warn: () => undefined },
  });
  await intents.start(new AbortController().signal);
  return { model, world, intents };
}

type Host = Awaited<ReturnType<typeof host>>;
let generation = 0;

/** One sample of each kind for `count` ENIs: [attach → BOUND ms, release → SAFE_TO_DETACH ms]. */
async function sample(h: Host, count: number): Promise<[number, number]> {
  generation += 1;
  const enis = Array.from({ length: count }, () => h.model.createEni());
  const owner = "bench/controller";
  for (const eni of enis) {
    const status = await h.intents.put(
      {
        eniId: parseEniId(eni.id),
        mac: null,
        driver: "vfio-pci" as DriverName,
        owner,
        generation,
        requestId: `put-${eni.id}`,
        force: false,
      },
      caller,
    );
    if (status.phase !== "PENDING_ATTACH") throw new Error(`${eni.id}: ${status.phase}`);
  }
  const attachStart = performance.now();
  for (const eni of enis) h.world.attach(eni.id);
  h.intents.reconcile();
  await h.intents.settled();
  const bound = await Promise.all(enis.map((e) => h.intents.get(parseEniId(e.id))));
  const attachMs = performance.now() - attachStart;
  if (bound.some((s) => s.phase !== "BOUND")) throw new Error("not every ENI BOUND");

  const releaseStart = performance.now();
  const released = await Promise.all(
    enis.map((e) =>
      h.intents.release(
        { eniId: parseEniId(e.id), owner, requestId: `rel-${e.id}`, force: false },
        caller,
      ),
    ),
  );
  const releaseMs = performance.now() - releaseStart;
  if (released.some((r) => r.outcome !== "SAFE_TO_DETACH")) throw new Error("not SAFE_TO_DETACH");
  for (const eni of enis) {
    await h.world.detach(eni.id);
    h.model.deleteEni(eni.id, false);
  }
  return [attachMs, releaseMs];
}

export default defineBench({
  title: "Controller contract: attach → BOUND and ReleaseEni → SAFE_TO_DETACH",
  adapter:
    "SimKernel (ec2Host) with a tenth of kernel write latencies, fake EC2 model, intents in memory",
  notes: [
    "From the trigger on: the device watcher's wait for a hot-plugged device is not included.",
    "8 ENIs: attached at once, bound in parallel (engine maxParallel 8), released at once.",
    "8 ENIs cost about 4× one to bind and 2× one to release (medians), near the engine's own 2.5× for 8 devices (Driver transactions below): the ENIs' lookups share one inventory scan. Before that each lookup read the whole host, and 8 ENIs cost about 15× one (attach → BOUND median 369 ms, release 389 ms). Measured once, on a machine shared with other jobs (load average about 10 on 2 vCPUs).",
  ],
  async measure(): Promise<Measurement> {
    const one = await host();
    const eight = await host();
    const raw = { a1: [] as number[], a8: [] as number[], r1: [] as number[], r8: [] as number[] };
    await sample(one, 1);
    await sample(eight, 8);
    for (let i = 0; i < SAMPLES; i++) {
      const [a1, r1] = await sample(one, 1);
      const [a8, r8] = await sample(eight, 8);
      raw.a1.push(a1);
      raw.r1.push(r1);
      raw.a8.push(a8);
      raw.r8.push(r8);
    }
    await one.intents.stop();
    await eight.intents.stop();
    return {
      cases: [
        { name: "attach → BOUND, 1 ENI", rawMs: raw.a1 },
        { name: "attach → BOUND, 8 ENIs", rawMs: raw.a8 },
        { name: "ReleaseEni → SAFE_TO_DETACH, 1 ENI", rawMs: raw.r1 },
        { name: "ReleaseEni → SAFE_TO_DETACH, 8 ENIs", rawMs: raw.r8 },
      ],
    };
  },
});
