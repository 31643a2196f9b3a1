/**
 * The daemon's API cost: bind + restore round trips and ListDevices over the
 * Unix socket with the real client, against the same calls made in process
 * on the same agent (engine and core), and a whole daemon start + stop.
 *
 * The simulated kernel answers writes instantly, so the ratio is what gRPC,
 * validation, the core and event fan-out add to a move; on a real kernel the
 * move itself (probe of ena, ~100 ms) dwarfs it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Agent, buildAgent } from "../../src/agent/agent.js";
import { createLog } from "../../src/agent/agent-log.js";
import { parseConfig } from "../../src/agent/config-schema.js";
import { simulatedHost } from "../../src/agent/simulated-host.js";
import { type AgentClient, connectAgent } from "../../src/client/client.js";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import type { CallContext } from "../../src/server/agent-core.js";
import { type BenchCase, defineBench } from "../support/bench.js";
import { benchTempDir } from "../support/sim-host.js";

const dirs: string[] = [];
const cases: BenchCase[] = [];
let running: Agent | null = null;
let client: AgentClient | null = null;

async function agentIn(dir: string): Promise<Agent> {
  const config = parseConfig(
    {
      stateDir: join(dir, "state"),
      listeners: { socket: { path: join(dir, "agent.sock") } },
      logLevel: "silent",
    },
    "bench",
  );
  return buildAgent(config, {
    adapters: simulatedHost(config, { persist: false }),
    log: createLog("silent"),
    shutdown: (err) => {
      throw err;
    },
  });
}

const ctx: CallContext = {
  signal: new AbortController().signal,
  caller: { listener: "unix", identity: "bench", access: "write" },
};

export default defineBench({
  title: "Daemon API: RPC over the Unix socket vs the same work in process",
  adapter: "whole agent on SimKernel (ec2Host), fake IMDS/EC2 in process, journal on tmpfs",
  samples: 30,
  warmup: 3,
  async setup() {
    const dir = benchTempDir("daemon");
    const cycleDir = mkdtempSync(join(dir, "cycle-"));
    dirs.push(dir);
    const agent = await agentIn(dir);
    await agent.start();
    running = agent;
    const rpc = connectAgent({ socketPath: join(dir, "agent.sock") });
    client = rpc;
    await rpc.listDevices();
    const device = "0000:00:06.0";
    cases.push(
      {
        name: "bind + restore, in process (engine)",
        run: async () => {
          await agent.engine.bind(device as PciAddress, "vfio-pci" as DriverName);
          await agent.engine.restore(device as PciAddress);
        },
      },
      {
        name: "bind + restore, RPC",
        run: async () => {
          await rpc.bindDevice({ selector: { pciAddress: device }, driver: "vfio-pci" });
          await rpc.restoreDevice({ selector: { pciAddress: device } });
        },
      },
      {
        name: "ListDevices, in process (core, fresh scan)",
        run: async () => void (await agent.core.listDevices({ fresh: true }, ctx)),
      },
      { name: "ListDevices, RPC", run: async () => void (await rpc.listDevices()) },
      {
        name: "daemon start + stop",
        run: async () => {
          const cycle = await agentIn(cycleDir);
          await cycle.start();
          await cycle.stop();
        },
      },
    );
  },
  async teardown() {
    client?.close();
    await running?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  },
  cases: () => cases,
  baselines: {
    "bind + restore, RPC": "bind + restore, in process (engine)",
    "ListDevices, RPC": "ListDevices, in process (core)",
  },
  notes: [
    "start + stop includes recovery of an empty journal, the first IMDS identity read from the fake IMDS, binding the socket and the drain at stop.",
  ],
});
