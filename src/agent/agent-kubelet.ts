/**
 * kubelet's device plugin in the daemon (`devicePlugin.enabled`), as one
 * start/stop hook of the composition root: the plugin (src/kubelet, loaded
 * only when it is on), the pools feed that keeps it current, and the ENI
 * tags a tag-split pool needs. Started after recovery and the desired
 * bindings (the pools are right from their first list), stopped after the
 * gRPC listeners.
 *
 * The configuration is the one the daemon started with: changing
 * `devicePlugin` needs a restart (config-diff.ts).
 */
import { AgentError, type Service } from "../common/index.js";
import type { DevicePlugin } from "../kubelet/index.js";
import type { AgentEc2 } from "./agent-ec2.js";
import type { AgentLog } from "./agent-log.js";
import type { AgentConfig } from "./config-schema.js";
import { wantsTags } from "./device-pools.js";
import type { EniAgentCore } from "./eni-agent-core.js";
import { EniTags } from "./eni-tags.js";
import type { ImdsIdentity } from "./imds-identity.js";
import { KubeletPools, type PoolGuard } from "./kubelet-pools.js";

interface AgentKubeletDeps {
  config: () => AgentConfig;
  core: EniAgentCore;
  identity: ImdsIdentity;
  ec2: AgentEc2;
  log: AgentLog;
}

/** Wait before the ENI tags are read again after a failed read. */
const TAG_RETRY_MS = 30_000;

export class AgentKubelet implements Service {
  readonly name = "device-plugin";
  readonly #deps: AgentKubeletDeps;
  #plugin: DevicePlugin | null = null;
  #pools: KubeletPools | null = null;
  #tags: EniTags | null = null;

  constructor(deps: AgentKubeletDeps) {
    this.#deps = deps;
  }

  /** The guard the core asks; null while the plugin is off or not started. */
  guard(): PoolGuard | null {
    return this.#pools;
  }

  /** The running plugin (tests, benchmarks); null when off. */
  plugin(): DevicePlugin | null {
    return this.#plugin;
  }

  /** The pools feed (tests, benchmarks); null when off. */
  pools(): KubeletPools | null {
    return this.#pools;
  }

  async start(signal: AbortSignal): Promise<void> {
    const { config, core, identity, log } = this.#deps;
    const c = config().devicePlugin;
    if (!c.enabled || this.#plugin !== null) return;
    const { DevicePlugin, parseResourceName } = await import("../kubelet/index.js");
    const plugin = new DevicePlugin(
      { log },
      {
        directory: c.directory,
        podResourcesSocket: c.podResourcesSocket,
        resources: c.pools.map((p) => parseResourceName(p.resourceName)),
      },
    );
    // `pools` is read only once tags arrive, by then it is set: a read
    // started by the pools' first refresh must not find the feed missing.
    const tags = wantsTags(c.pools)
      ? new EniTags(
          {
            describe: () => this.#describeEnis(),
            changed: () => void pools.refresh(),
            log,
          },
          { retryMs: TAG_RETRY_MS },
        )
      : null;
    const pools = new KubeletPools({
      plugin,
      list: (fresh) => core.deviceList(fresh),
      subscribe: (listener) => core.subscribeEvents(listener),
      config,
      subnetOf: (mac) => (mac === null ? null : (identity.byMac(mac)?.subnetId ?? null)),
      ...(tags === null ? {} : { tags }),
      log,
    });
    try {
      await plugin.start(signal);
      await pools.start(signal);
    } catch (err) {
      // Undone here, whole: stop() knows only a device plugin that started.
      await pools.stop();
      await tags?.settled();
      await plugin.stop();
      throw err;
    }
    this.#plugin = plugin;
    this.#tags = tags;
    this.#pools = pools;
  }

  async stop(): Promise<void> {
    await this.#pools?.stop();
    await this.#tags?.settled();
    await this.#plugin?.stop();
  }

  async #describeEnis() {
    const instanceId = this.#deps.identity.instance()?.instanceId;
    if (instanceId === undefined) {
      throw new AgentError("UNAVAILABLE", "the instance id is not known yet (IMDS)");
    }
    const actions = await this.#deps.ec2.actions();
    return actions.describeInstanceEnis(instanceId, { deadlineMs: Date.now() + 10_000 });
  }
}
