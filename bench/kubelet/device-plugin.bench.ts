/**
 * How long kubelet waits to learn of a change: the whole daemon on the
 * simulator, in this process, with its device plugin registered with the
 * fake kubelet (test/support/fake-kubelet.ts) over real Unix sockets.
 *
 * - "bind → Healthy in ListAndWatch": from the BindDevice call to the
 *   fake kubelet receiving a list with the device Healthy (the bind, its
 *   event, a fresh device listing, the pools, the stream);
 * - "bind → answered": the same BindDevice call to its answer, the
 *   baseline: what the plugin adds is the difference;
 * - "restore → Unhealthy received": from the RestoreDevice call to the
 *   fake kubelet receiving the device Unhealthy (sent before the restore's
 *   first sysfs write: the pool guard withdraws it, then asks pod resources).
 *
 * The simulator answers sysfs writes at once, so these are the agent's own
 * costs; a kernel adds its unbind and probe times to the bind case only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAgent } from "../../src/agent/agent.js";
import { createLog } from "../../src/agent/agent-log.js";
import { parseConfig } from "../../src/agent/config-schema.js";
import { simulatedHost } from "../../src/agent/simulated-host.js";
import { connectAgent } from "../../src/client/client.js";
import { FakeKubelet } from "../../test/support/fake-kubelet.js";
import { defineBench } from "../support/bench.js";

const POOL = "eni-agent.io/ena-dpdk";
const DEVICE = "0000:00:06.0";
const ROUNDS = 40;
const WARMUP = 5;

const has = (health: string) => (l: { devices: { ID: string; health: string }[] }) =>
  l.devices.some((d) => d.ID === DEVICE && d.health === health);

export default defineBench({
  title: "Device plugin: a bind or restore reaching kubelet's ListAndWatch stream",
  adapter: "simulator, in process; fake kubelet over Unix sockets",
  async measure() {
    const dir = mkdtempSync(join(tmpdir(), "eni-bench-dp-"));
    const directory = join(dir, "dp");
    const podResourcesSocket = join(dir, "pr.sock");
    const kubelet = new FakeKubelet({ directory, podResourcesSocket });
    await kubelet.start();
    const config = parseConfig(
      {
        stateDir: join(dir, "state"),
        listeners: { socket: { path: join(dir, "agent.sock") } },
        ec2: { deleteOnTerminationOnBind: false },
        devicePlugin: { enabled: true, directory, podResourcesSocket },
      },
      "bench",
    );
    const host = simulatedHost(config, { persist: false });
    const agent = await buildAgent(config, {
      adapters: host,
      log: createLog("silent"),
      shutdown: () => {},
    });
    await agent.start();
    const client = connectAgent({ socketPath: config.listeners.socket.path });
    const visible: number[] = [];
    const answered: number[] = [];
    const unhealthy: number[] = [];
    try {
      while (!kubelet.connected(POOL)) await new Promise((r) => setTimeout(r, 10));
      for (let round = 0; round < WARMUP + ROUNDS; round++) {
        const seen = kubelet.nextList(POOL, has("Healthy"));
        const t0 = performance.now();
        await client.bindDevice({ selector: { pciAddress: DEVICE }, driver: "vfio-pci" });
        const t1 = performance.now();
        const list = await seen;
        const gone = kubelet.nextList(POOL, (l) => !l.devices.some((d) => d.ID === DEVICE));
        const sick = kubelet.nextList(POOL, has("Unhealthy"));
        const t2 = performance.now();
        await client.restoreDevice({ selector: { pciAddress: DEVICE } });
        const sent = await sick;
        await gone;
        if (round < WARMUP) continue;
        visible.push(list.at - t0);
        answered.push(t1 - t0);
        unhealthy.push(sent.at - t2);
      }
    } finally {
      client.close();
      await agent.stop();
      await kubelet.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return {
      cases: [
        { name: "bind → Healthy in ListAndWatch", rawMs: visible },
        { name: "bind → answered", rawMs: answered },
        { name: "restore → Unhealthy received", rawMs: unhealthy },
      ],
      notes: [`${ROUNDS} rounds after ${WARMUP} warm-up rounds; one device, one pool, one stream.`],
    };
  },
  baselines: { "bind → Healthy in ListAndWatch": "bind → answered" },
});
