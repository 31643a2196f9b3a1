/**
 * Feeds the kubelet device plugin (src/kubelet) with the pools as they
 * change, and is the guard the core asks before it takes a device from a
 * DPDK driver.
 *
 * Live, not polled: every event the core emits (an operation step, a
 * driver change the device watcher saw, a device added or removed) makes
 * the pools be computed again from a fresh device listing, so a device
 * bound through the API is in the open ListAndWatch streams as soon as its
 * bind is verified. Refreshes are coalesced: one runs at a time, and
 * events during it make one more. A slow resync (`RESYNC_MS`) catches what
 * no event announces (an ENI's subnet arriving from IMDS after its bind).
 *
 * Marks that must reach kubelet before the agent acts are pushed at once
 * from the last listing, without waiting for a scan:
 * - `withdraw(device)`: the core is about to restore or rebind the device:
 *   it turns Unhealthy and Allocate refuses it. When the core lets go, the
 *   mark stays until a listing that started afterwards is in, so a scan
 *   that read sysfs before the move ended can never show the device
 *   Healthy again in between;
 * - `terminating()`: a termination plan runs: every device turns
 *   Unhealthy before the plan's first restore.
 */
import type { EniId, Mac, PciAddress, Service } from "../common/index.js";
import { PeriodicJob, toAgentError } from "../common/index.js";
import type { DevicePlugin, PodDeviceHolder } from "../kubelet/index.js";
import type { AgentEvent, DeviceRecord, DeviceList as Listing } from "../server/core-types.js";
import type { AgentLog } from "./agent-log.js";
import type { AgentConfig } from "./config-schema.js";
import { poolDevices } from "./device-pools.js";

/** The guard the core asks before a device leaves its DPDK driver. */
export interface PoolGuard {
  /** The device turns Unhealthy and Allocate refuses it, until the returned function is called. */
  withdraw(device: PciAddress): () => void;
  /** Every device turns Unhealthy until the returned function is called. */
  terminating(): () => void;
  /**
   * The containers holding the device. Rejects UNAVAILABLE when kubelet
   * cannot be asked and the device is offered to kubelet (a device never
   * offered cannot be held through this plugin).
   */
  holders(device: PciAddress): Promise<PodDeviceHolder[]>;
}

interface KubeletPoolsDeps {
  plugin: Pick<DevicePlugin, "update" | "holders" | "offers">;
  /** The core's device listing; `fresh` scans now. */
  list(fresh: boolean): Promise<Listing>;
  subscribe(listener: (event: AgentEvent) => void): () => void;
  config: () => AgentConfig;
  subnetOf(mac: Mac | null): string | null;
  /** ENI tags (EC2); `want` asks for the tags of ENIs not known yet. Absent: no pool needs tags. */
  tags?: {
    tagsOf(eniId: EniId | null): Readonly<Record<string, string>> | null;
    want(eniIds: readonly EniId[]): void;
  };
  log: AgentLog;
}

/** A slow resync for what no event announces. */
const RESYNC_MS = 30_000;

interface Withdrawal {
  holds: number;
  /** Set when the last hold ended: the refresh count then. */
  releasedAt: number | null;
}

export class KubeletPools implements Service, PoolGuard {
  readonly name = "kubelet-pools";
  readonly #deps: KubeletPoolsDeps;
  readonly #withdrawn = new Map<PciAddress, Withdrawal>();
  readonly #resync: PeriodicJob;
  #records: readonly DeviceRecord[] = [];
  #recordsFrom = 0;
  #refreshes = 0;
  #terminating = 0;
  #running: Promise<void> | null = null;
  #again = false;
  #unsubscribe: (() => void) | null = null;
  #stopped = false;

  constructor(deps: KubeletPoolsDeps) {
    this.#deps = deps;
    this.#resync = new PeriodicJob("kubelet-pools-resync", { intervalMs: () => RESYNC_MS }, () =>
      this.refresh(),
    );
  }

  async start(signal: AbortSignal): Promise<void> {
    this.#stopped = false;
    this.#unsubscribe = this.#deps.subscribe((event) => {
      // Health changes say nothing about devices.
      if (event.kind !== "health_changed") void this.refresh();
    });
    await this.refresh();
    await this.#resync.start(signal);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#resync.stop();
    await this.#running;
  }

  /** Computes the pools from a listing that starts now; resolves when they are pushed. */
  refresh(): Promise<void> {
    if (this.#running !== null) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  withdraw(device: PciAddress): () => void {
    const entry = this.#withdrawn.get(device) ?? { holds: 0, releasedAt: null };
    entry.holds++;
    entry.releasedAt = null;
    this.#withdrawn.set(device, entry);
    this.#publish();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.holds--;
      if (entry.holds === 0) entry.releasedAt = this.#refreshes;
      void this.refresh();
    };
  }

  terminating(): () => void {
    this.#terminating++;
    this.#publish();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#terminating--;
      void this.refresh();
    };
  }

  async holders(device: PciAddress): Promise<PodDeviceHolder[]> {
    try {
      return await this.#deps.plugin.holders(device);
    } catch (err) {
      if (this.#deps.plugin.offers(device)) throw err;
      this.#deps.log.debug({ device, err: toAgentError(err) }, "pod resources not asked");
      return [];
    }
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      if (this.#stopped) return;
      const id = ++this.#refreshes;
      try {
        const listing = await this.#deps.list(true);
        this.#records = listing.devices;
        this.#recordsFrom = id;
        this.#forgetReleased(id);
        this.#wantTags();
        this.#publish();
      } catch (err) {
        this.#deps.log.warn({ err: toAgentError(err) }, "device pools not refreshed");
      }
    } while (this.#again);
  }

  /** A withdrawal whose holds ended before listing `id` started no longer counts. */
  #forgetReleased(id: number): void {
    for (const [device, entry] of this.#withdrawn) {
      if (entry.holds === 0 && entry.releasedAt !== null && entry.releasedAt < id) {
        this.#withdrawn.delete(device);
      }
    }
  }

  #wantTags(): void {
    const ids = this.#records.flatMap((r) => (r.identity.eniId === null ? [] : [r.identity.eniId]));
    this.#deps.tags?.want(ids);
  }

  #publish(): void {
    const c = this.#deps.config();
    const pools = poolDevices(this.#records, c.devicePlugin.pools, {
      subnetOf: this.#deps.subnetOf,
      tagsOf: (eniId) => this.#deps.tags?.tagsOf(eniId) ?? null,
      withdrawn: (device) => this.#withdrawn.has(device),
      terminating: this.#terminating > 0,
      devRoot: c.devRoot,
    });
    this.#deps.plugin.update(pools);
  }

  /** The records the pools were last computed from, and the refresh they came from (tests). */
  get lastRefresh(): number {
    return this.#recordsFrom;
  }
}
