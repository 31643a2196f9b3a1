/**
 * Controller chaos (issue 13): one seeded schedule drives the reference
 * controller over 3–8 ENIs through create → intent → attach → bound →
 * (generation changes) → release → detach → delete, against the agent's
 * intents on the real driver engine and the kernel simulator, with the
 * fake EC2 model coupled to the simulated kernel (SimEniWorld). Faults:
 * the controller killed before any step and restarted from scratch; the
 * agent killed at a random one of its writes (a sysfs write, a journal
 * record, a save of its intents; before or after it acted: see
 * agent-kill.ts), in the middle of a bind or a release, and a new agent
 * started on the same kernel, journal and intents file; the agent also
 * stopped gracefully between steps; EC2 throttling at 50 %, "in use"
 * answers while a detach settles, IMDS down.
 *
 * After the faults stop, the schedule runs to quiescence and the
 * invariants are checked: no hazard (a detach of a device off the kernel
 * driver), no orphaned ENI, every finalizer removed only after RELEASED,
 * every BOUND seen on its generation's driver, no device left off both
 * drivers. Returns the first violation, or null.
 */

import { deviceLookup, intentMoves } from "../../src/agent/agent-intents.js";
import {
  AgentError,
  type DriverName,
  type EniId,
  parseEniId,
  parseMac,
} from "../../src/common/index.js";
import { type DriverEngine, MemoryJournal } from "../../src/driver/index.js";
import { EniIntents, type EniLocation, MemoryIntentStore } from "../../src/intents/index.js";
import { Ec2Fault, FakeEc2Model } from "../../src/sim/aws/fake-ec2-model.js";
import { ec2Host, SimEniWorld, type SimKernel } from "../../src/sim/index.js";
import { harness } from "../../test/driver/engine-harness.js";
import { mulberry32 as random } from "../support/seeded-random.js";
import { KillSwitch } from "./agent-kill.js";
import {
  type CloudPort,
  type ContractPort,
  type NodeEniObject,
  OWNER_PREFIX,
  ReferenceController,
} from "./reference-controller.js";

const OWNER_TAG = "nodeeni.example/uid";
const DRIVERS = ["vfio-pci", "uio_pci_generic"] as const;
const FAULT_ROUNDS = 40;
const MAX_ROUNDS = 160;
/** An armed kill trips at one of the agent's next this many writes (a bind is about a dozen). */
const KILL_WITHIN_STEPS = 24;

class Crash extends Error {}

interface Agent {
  engine: DriverEngine;
  intents: EniIntents;
  life: KillSwitch;
}

/** What a schedule did, so a test can tell that its faults happened. */
export interface ScheduleStats {
  controllerCrashes: number;
  /** Graceful stops and starts. */
  agentRestarts: number;
  /** Kills at one of the agent's writes, each followed by a new agent. */
  agentKills: number;
  /** The kills by where the agent died ("before sysfs write", "after journal record", …). */
  killedAt: Record<string, number>;
  throttled: number;
  rounds: number;
}

export const noStats = (): ScheduleStats => ({
  controllerCrashes: 0,
  agentRestarts: 0,
  agentKills: 0,
  killedAt: {},
  throttled: 0,
  rounds: 0,
});

/** Adds one schedule's stats to a running total. */
export function addStats(total: ScheduleStats, one: ScheduleStats): void {
  total.controllerCrashes += one.controllerCrashes;
  total.agentRestarts += one.agentRestarts;
  total.agentKills += one.agentKills;
  total.throttled += one.throttled;
  total.rounds += one.rounds;
  for (const [at, n] of Object.entries(one.killedAt)) {
    total.killedAt[at] = (total.killedAt[at] ?? 0) + n;
  }
}

export interface ScheduleOptions {
  /**
   * Mutation check: the controller detaches before it releases (what the
   * contract exists to prevent). The invariants must then catch hazards.
   */
  detachFirst?: boolean;
  /**
   * Mutation check: a journal that is not durable (an agent started after
   * a kill finds it empty), so a transaction cut by the kill is never
   * finished or rolled back. The invariants must then catch its device.
   */
  volatileJournal?: boolean;
}

export async function runControllerSchedule(
  seed: number,
  options: ScheduleOptions = {},
  stats: ScheduleStats = noStats(),
): Promise<string | null> {
  const rnd = random(seed);
  const chance = (p: number) => rnd() < p;
  let nowMs = 0;
  const model = new FakeEc2Model(() => nowMs);
  model.detachDelayMs = 1_000;
  const kernel: SimKernel = ec2Host();
  const instance = model.createInstance();
  const world = new SimEniWorld({ model, kernel, instanceId: instance.id });
  let faults = true;
  let imdsDown = false;
  let journal = new MemoryJournal();
  const store = new MemoryIntentStore();

  const locate = async (eniId: EniId): Promise<EniLocation> => {
    if (imdsDown) return { kind: "unknown", reason: "IMDS down" };
    const eni = model.enis.get(eniId);
    return eni?.attachment?.instanceId === instance.id
      ? { kind: "attached", mac: parseMac(eni.mac) }
      : { kind: "absent" };
  };

  const startAgent = async (): Promise<Agent> => {
    // The driver tests' engine: the simulated kernel, a stepping clock, recovery run.
    const life = new KillSwitch();
    const sysfs = life.sysfs(kernel.sysfs);
    const { engine } = await harness(kernel, {
      journal: life.journal(journal),
      sysfs: () => sysfs,
      holders: (holders) => life.holders(holders),
    });
    const intents = new EniIntents({
      store: life.store(store),
      locate: (eniId) => life.read(() => locate(eniId)),
      deviceOf: deviceLookup(sysfs, engine),
      ...intentMoves(engine),
      mayBind: () => true,
      log: { info: () => undefined, warn: () => undefined },
    });
    await intents.start(new AbortController().signal);
    return { engine, intents, life };
  };
  let agent = await startAgent();

  const ec2 = <T>(call: () => T): T => {
    if (faults && chance(0.5)) {
      stats.throttled++;
      throw new Ec2Fault("RequestLimitExceeded", "Request limit exceeded.");
    }
    return call();
  };
  const cloud: CloudPort = {
    findByOwner: async (uid) => {
      const eni = ec2(() => [...model.enis.values()].find((e) => e.tags.get(OWNER_TAG) === uid));
      if (eni === undefined) return null;
      return { eniId: eni.id, mac: eni.mac, attached: eni.attachment !== undefined };
    },
    create: async (uid) => {
      const eni = ec2(() => model.createEni({ tags: { [OWNER_TAG]: uid } }));
      return { eniId: eni.id, mac: eni.mac };
    },
    attach: async (eniId) => {
      ec2(() => world.attach(eniId));
      // The agent's device watcher would see the hot-plug.
      agent.intents.reconcile();
    },
    detach: async (eniId) => {
      await ec2(() => world.detach(eniId));
    },
    delete: async (eniId) => {
      ec2(() => model.deleteEni(eniId, false));
    },
  };
  const caller = { identity: "controller", admin: false };
  /** A call of the agent's API; UNAVAILABLE when the agent dies during it. */
  const call = <T>(work: (intents: EniIntents) => Promise<T>): Promise<T> =>
    agent.life.call(work(agent.intents));
  /** Starts a new agent in place of a killed one (systemd's Restart=). */
  const restartIfKilled = async (): Promise<void> => {
    if (!agent.life.killed) return;
    stats.agentKills++;
    const at = agent.life.diedAt ?? "?";
    stats.killedAt[at] = (stats.killedAt[at] ?? 0) + 1;
    if (options.volatileJournal) journal = new MemoryJournal();
    agent = await startAgent();
  };
  const contract: ContractPort = {
    put: (w) =>
      call((intents) =>
        intents.put(
          {
            eniId: parseEniId(w.eniId),
            mac: parseMac(w.mac),
            driver: w.driver as DriverName,
            owner: w.owner,
            generation: w.generation,
            requestId: w.requestId,
            force: false,
          },
          caller,
        ),
      ),
    release: (r) =>
      call((intents) =>
        intents.release(
          { eniId: parseEniId(r.eniId), owner: r.owner, requestId: r.requestId, force: false },
          caller,
        ),
      ),
    get: async (eniId) => {
      try {
        const s = await call((intents) => intents.get(parseEniId(eniId)));
        if (s.phase === "BOUND") checkBound(s.eniId, s.observedGeneration);
        return s;
      } catch (err) {
        if (err instanceof AgentError && err.code === "NOT_FOUND") return null;
        throw err;
      }
    },
  };

  const violations: string[] = [];
  const objects: NodeEniObject[] = [];
  const drivers = new Map<string, string[]>();
  const count = 3 + Math.floor(rnd() * 6);
  for (let i = 0; i < count; i++) {
    const driver = DRIVERS[Math.floor(rnd() * 2)]!;
    const uid = `obj-${seed}-${i}`;
    objects.push({
      uid,
      generation: 1,
      driver,
      deleting: false,
      finalizer: true,
      eniId: null,
      phase: "",
    });
    drivers.set(uid, ["", driver]);
  }
  function checkBound(eniId: string, generation: number): void {
    const object = objects.find((o) => o.eniId === eniId);
    const eni = model.enis.get(eniId);
    const device = eni === undefined ? undefined : world.deviceOf(eni);
    const want = object === undefined ? undefined : drivers.get(object.uid)?.[generation];
    if (device !== undefined && want !== undefined && device.driver !== want) {
      violations.push(
        `${eniId} BOUND at generation ${generation} but on ${device.driver}, not ${want}`,
      );
    }
  }

  const finalized: { uid: string; phase: string }[] = [];
  const newController = () =>
    new ReferenceController({
      contract,
      cloud,
      step: () => {
        if (faults && chance(0.04)) {
          stats.controllerCrashes++;
          throw new Crash("controller killed");
        }
      },
      finalized: (o, phase) => finalized.push({ uid: o.uid, phase }),
    });
  let controller = newController();
  if (options.detachFirst) {
    const release = contract.release;
    contract.release = async (r) => {
      const eni = model.enis.get(r.eniId);
      if (eni?.attachment !== undefined) await world.detach(r.eniId);
      return release(r);
    };
  }

  for (let round = 0; round < MAX_ROUNDS; round++) {
    nowMs += 500;
    stats.rounds = round + 1;
    faults = round < FAULT_ROUNDS;
    imdsDown = faults && chance(0.2);
    if (faults && chance(0.03)) {
      stats.agentRestarts++;
      await call((intents) => intents.stop()).catch(() => undefined);
      if (agent.life.killed) await restartIfKilled();
      else agent = await startAgent();
    }
    if (faults && chance(0.08))
      agent.life.arm(1 + Math.floor(rnd() * KILL_WITHIN_STEPS), chance(0.5));
    for (const o of objects) {
      if (!o.deleting && round < FAULT_ROUNDS && chance(0.03)) {
        o.generation += 1;
        o.driver = o.driver === DRIVERS[0] ? DRIVERS[1] : DRIVERS[0];
        drivers.get(o.uid)![o.generation] = o.driver;
      }
      if (!o.deleting && round >= 10 && chance(0.08)) o.deleting = true;
      if (round === FAULT_ROUNDS) o.deleting = true;
    }
    for (const o of objects) {
      try {
        await controller.reconcile(o);
      } catch (err) {
        if (err instanceof Crash) {
          controller = newController();
          break;
        }
        // A failed step (throttled, in use, IMDS down): the next pass retries.
      }
    }
    await call((intents) => intents.settled()).catch(() => undefined);
    await restartIfKilled();
    if (objects.every((o) => !o.finalizer)) break;
  }
  // An agent still armed may die while it stops: the next one finishes its work.
  await call((intents) => intents.stop()).catch(() => undefined);
  await restartIfKilled();
  await agent.intents.settled();
  await agent.intents.stop();
  await agent.engine.idle();

  const open = objects.filter((o) => o.finalizer);
  if (open.length > 0)
    violations.push(
      `finalizers never removed: ${open.map((o) => `${o.uid} (${o.phase})`).join(", ")}`,
    );
  if (world.hazards.length > 0) violations.push(`hazards: ${JSON.stringify(world.hazards)}`);
  const orphans = [...model.enis.values()].filter((e) => e.tags.has(OWNER_TAG));
  if (orphans.length > 0) violations.push(`orphaned ENIs: ${orphans.map((e) => e.id).join(", ")}`);
  for (const f of finalized) {
    if (f.phase !== "RELEASED" && f.phase !== "NONE") {
      violations.push(`finalizer of ${f.uid} removed in phase ${f.phase}`);
    }
  }
  const loose = kernel
    .devices()
    .filter(
      (d) =>
        d.vendor === 0x1d0f && (d.device === 0xec20 || d.device === 0xec21) && d.driver === null,
    );
  if (loose.length > 0)
    violations.push(`devices on no driver: ${loose.map((d) => d.address).join(", ")}`);
  const remaining = (await store.load()).intents.filter((i) => i.owner.startsWith(OWNER_PREFIX));
  if (remaining.length > 0)
    violations.push(`intents left: ${remaining.map((i) => i.eniId).join(", ")}`);
  return violations.length === 0 ? null : `seed ${seed}: ${violations.join("; ")}`;
}
