/** The whole agent on the simulator with its device plugin on, and a fake kubelet. */
import { join } from "node:path";
import type { Test } from "tap";
import type { SimulatedHost } from "../../src/agent/simulated-host.js";
import type { SimKernel } from "../../src/sim/index.js";
import { type AgentHarness, agentHarness, eventually, tempDir } from "../agent/harness.js";
import { FakeKubelet } from "../support/fake-kubelet.js";

export const POOL = "eni-agent.io/ena-dpdk";

export interface PluginHarness extends AgentHarness {
  kubelet: FakeKubelet;
  directory: string;
}

export interface PluginHarnessOptions {
  kernel?: SimKernel;
  /** Extra top-level configuration. */
  config?: Record<string, unknown>;
  /** The devicePlugin section, over the harness's directory and sockets. */
  devicePlugin?: Record<string, unknown>;
  /** Start the fake kubelet before the agent (default true). */
  kubeletFirst?: boolean;
  /** Runs on the simulated host before the agent starts (e.g. to tag its ENIs). */
  prepare?: (host: SimulatedHost) => void;
}

export async function pluginHarness(
  t: Test,
  options: PluginHarnessOptions = {},
): Promise<PluginHarness> {
  const dir = await tempDir(t, "eni-dp-");
  const directory = join(dir, "dp");
  const podResourcesSocket = join(dir, "pr.sock");
  let h: AgentHarness | null = null;
  const kubelet = new FakeKubelet({
    directory,
    podResourcesSocket,
    // The driver of every device as each list arrives: proves what kubelet
    // was told before a move touched the device.
    probe: () =>
      Object.fromEntries(
        (h?.host.kernel.devices() ?? []).map((d) => [d.address, d.driver ?? null]),
      ),
  });
  t.teardown(() => kubelet.close());
  if (options.kubeletFirst !== false) await kubelet.start();
  h = await agentHarness(t, {
    dir,
    kernel: options.kernel,
    config: {
      ...options.config,
      devicePlugin: { enabled: true, directory, podResourcesSocket, ...options.devicePlugin },
    },
    start: false,
  });
  options.prepare?.(h.host);
  await h.agent.start();
  const agent = h.agent;
  t.teardown(() => agent.stop());
  return { ...h, kubelet, directory };
}

/** Resolves once the fake kubelet's last list of `resource` satisfies `check`. */
export async function listed(
  kubelet: FakeKubelet,
  resource: string,
  check: (summary: string[]) => boolean,
  ms = 5_000,
): Promise<string[]> {
  await eventually(() => check(kubelet.summary(resource)), ms).catch(() => {
    throw new Error(`${resource}: last list ${JSON.stringify(kubelet.summary(resource))}`);
  });
  return kubelet.summary(resource);
}
