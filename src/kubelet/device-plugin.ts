/**
 * The kubelet device plugin inside the daemon: one PoolServer per
 * configured resource, registered with kubelet, kept registered across
 * kubelet restarts, fed the pools' devices by the agent.
 *
 * kubelet's side (k8s.io/kubernetes pkg/kubelet/cm/devicemanager, read for
 * this): kubelet serves Registration on `<dir>/kubelet.sock`; at every
 * start it removes the sockets in `<dir>` (its checkpoint file stays) and
 * creates kubelet.sock anew. Register dials the plugin's socket, asks
 * GetDevicePluginOptions and only then answers; then kubelet opens
 * ListAndWatch. So a pool listens before it registers, and:
 *
 * - kubelet.sock appearing (kubelet started or restarted; seen with a
 *   chokidar watch on the directory) makes every pool listen anew on a
 *   fresh socket and register again;
 * - a pool's socket removed while kubelet keeps running makes that pool
 *   close (its streams end), wait `settleMs`, listen anew and register
 *   again. The wait is for kubelet: it handles the old connection's end as
 *   a disconnect of the resource and stamps the resource's endpoint as
 *   stopped; handled after the new registration, that would stamp the new
 *   endpoint, and kubelet drops a stopped resource from the node after
 *   five minutes;
 * - a refused or unanswered Register is retried with backoff for as long
 *   as kubelet.sock exists.
 *
 * The directory is created when missing (plugin-directory.ts), so the
 * plugin may start before kubelet ever ran.
 */
import { basename, join } from "node:path";
import { type FSWatcher, watch } from "chokidar";
import { AgentError, type Service, sleep, toAgentError } from "../common/index.js";
import { checkSocketPath } from "../server/unix-socket.js";
import { DEVICE_PLUGIN_API_VERSION } from "./kubelet-api.js";
import {
  listPodResources,
  type PodDeviceHolder,
  podsHolding,
  registerWithKubelet,
} from "./kubelet-clients.js";
import { ensurePluginDirectory } from "./plugin-directory.js";
import type { DeviceList } from "./pool-device.js";
import { PoolServer } from "./pool-server.js";
import { type ResourceName, socketFileName } from "./resource-name.js";

export const KUBELET_SOCKET = "kubelet.sock";

export interface DevicePluginLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  debug?(fields: object, message: string): void;
}

export interface DevicePluginOptions {
  /** kubelet's device plugin directory, e.g. /var/lib/kubelet/device-plugins. */
  directory: string;
  /** kubelet's pod resources socket, e.g. /var/lib/kubelet/pod-resources/kubelet.sock. */
  podResourcesSocket: string;
  /** The pools' resource names, in configuration order. */
  resources: readonly ResourceName[];
  /** Bound of one Register call (kubelet dials back within it). Default 10 000. */
  registerTimeoutMs?: number;
  /** First wait after a failed Register, doubled up to `retryMaxMs`. Default 1 000. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Wait between closing a pool whose socket vanished and registering it again. Default 1 000. */
  settleMs?: number;
  /** Bound of one pod resources List. Default 5 000. */
  podResourcesTimeoutMs?: number;
  /**
   * How long a device counts as held after Allocate handed it out, while
   * kubelet's pod resources do not show it yet (kubelet records the
   * allocation only after Allocate answered). Default 60 000.
   */
  allocationMemoryMs?: number;
  /** HTTP/2 preface bound of the pools' sockets. Default 10 000. */
  prefaceTimeoutMs?: number;
}

export interface DevicePluginDeps {
  log: DevicePluginLog;
  now?: () => number;
  /** The waits before a retry and after a lost socket; a clock of the caller's (tests). Default: `sleep`. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface Pool {
  server: PoolServer;
  /** The kubelet start this pool registered with; -1 for none yet. */
  registeredWith: number;
  /** Its socket was removed by someone else. */
  socketLost: boolean;
  /** We remove our own socket when we close: that unlink is not a loss. */
  closing: boolean;
}

export class DevicePlugin implements Service {
  readonly name = "device-plugin";
  readonly #deps: DevicePluginDeps;
  readonly #options: Required<DevicePluginOptions>;
  readonly #pools = new Map<ResourceName, Pool>();
  readonly #allocatedAt = new Map<string, number>();
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  #watcher: FSWatcher | null = null;
  #abort: AbortController | null = null;
  #kubeletPresent = false;
  /** Incremented every time kubelet.sock appears: one per kubelet start. */
  #kubeletStarts = 0;
  #timer: NodeJS.Timeout | null = null;
  #reconciling: Promise<void> = Promise.resolve();
  #dirty = false;
  #registrations = 0;

  /** INVALID_ARGUMENT for a socket path the kernel cannot bind or two pools on one socket. */
  constructor(deps: DevicePluginDeps, options: DevicePluginOptions) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#sleep = deps.sleep ?? sleep;
    this.#options = {
      registerTimeoutMs: 10_000,
      retryInitialMs: 1_000,
      retryMaxMs: 30_000,
      settleMs: 1_000,
      podResourcesTimeoutMs: 5_000,
      allocationMemoryMs: 60_000,
      prefaceTimeoutMs: 10_000,
      ...options,
    };
    checkSocketPath(this.#kubeletSocket());
    checkSocketPath(options.podResourcesSocket);
    for (const resource of options.resources) {
      const path = join(options.directory, socketFileName(resource));
      checkSocketPath(path);
      if ([...this.#pools.values()].some((p) => basename(p.server.path) === basename(path))) {
        throw new AgentError("INVALID_ARGUMENT", `two pools would share the socket ${path}`);
      }
      const server = new PoolServer(
        { allocated: (ids) => this.#allocated(ids), log: deps.log },
        { resource, path, prefaceTimeoutMs: this.#options.prefaceTimeoutMs },
      );
      this.#pools.set(resource, { server, registeredWith: -1, socketLost: false, closing: false });
    }
  }

  /** Registrations kubelet accepted since start (each pool, each kubelet start). */
  get registrations(): number {
    return this.#registrations;
  }

  /** The pool server of a resource (tests, benchmarks, host report). */
  pool(resource: ResourceName): PoolServer | undefined {
    return this.#pools.get(resource)?.server;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.#watcher !== null) return;
    const abort = new AbortController();
    this.#abort = abort;
    signal.addEventListener("abort", () => abort.abort(signal.reason), { once: true });
    const dir = this.#options.directory;
    await ensurePluginDirectory(dir);
    const names = new Set([
      KUBELET_SOCKET,
      ...[...this.#pools.values()].map((p) => basename(p.server.path)),
    ]);
    const watcher = watch(dir, {
      depth: 0,
      ignoreInitial: false,
      // A kubelet that restarts fast re-creates its socket within chokidar's
      // atomic-write window: raw unlink and add events are what is wanted.
      atomic: false,
      ignored: (path: string) => path !== dir && !names.has(basename(path)),
    });
    this.#watcher = watcher;
    watcher.on("add", (path: string) => this.#added(basename(path)));
    // A replaced socket file (new inode under the same name) is a new kubelet too.
    watcher.on("change", (path: string) => this.#added(basename(path)));
    watcher.on("unlink", (path: string) => this.#removed(basename(path)));
    watcher.on("error", (err: unknown) =>
      this.#deps.log.warn(
        { err: toAgentError(err), dir },
        "watching the device plugin directory failed",
      ),
    );
    await new Promise<void>((ready) => watcher.once("ready", () => ready()));
    if (!this.#kubeletPresent) {
      this.#deps.log.info(
        { socket: this.#kubeletSocket() },
        "kubelet's registration socket is not there yet; the device plugin waits for it",
      );
    }
  }

  async stop(): Promise<void> {
    this.#abort?.abort(new AgentError("ABORTED", "the device plugin is stopping"));
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const watcher = this.#watcher;
    this.#watcher = null;
    await watcher?.close();
    await this.#reconciling;
    for (const pool of this.#pools.values()) {
      pool.closing = true;
      await pool.server.close();
    }
  }

  /** The pools' devices now; each pool's streams are moved to its list. */
  update(pools: ReadonlyMap<string, DeviceList>): void {
    for (const [resource, pool] of this.#pools) pool.server.update(pools.get(resource) ?? []);
  }

  /** True when a pool offers the device to kubelet now (healthy or not). */
  offers(device: string): boolean {
    return [...this.#pools.values()].some((p) => p.server.devices().some((d) => d.id === device));
  }

  /**
   * The containers holding `device`: kubelet's pod resources (any resource
   * name: another plugin may offer the same PCI address), plus an Allocate
   * of this plugin that kubelet does not report yet. UNAVAILABLE when kubelet
   * cannot be asked.
   */
  async holders(device: string): Promise<PodDeviceHolder[]> {
    const pods = await listPodResources(
      this.#options.podResourcesSocket,
      this.#options.podResourcesTimeoutMs,
    );
    const found = podsHolding(pods, device);
    const at = this.#allocatedAt.get(device);
    const age = at === undefined ? Number.POSITIVE_INFINITY : this.#now() - at;
    if (found.length === 0 && age < this.#options.allocationMemoryMs) {
      const seconds = Math.round(age / 1000);
      found.push({
        namespace: "",
        pod: `(allocated ${seconds} s ago, not reported by kubelet yet)`,
        container: "",
        resource: this.#poolOf(device) ?? "",
      });
    }
    return found;
  }

  #poolOf(device: string): ResourceName | null {
    for (const [resource, pool] of this.#pools) {
      if (pool.server.devices().some((d) => d.id === device)) return resource;
    }
    return null;
  }

  #allocated(ids: readonly string[]): void {
    const now = this.#now();
    for (const id of ids) this.#allocatedAt.set(id, now);
  }

  #kubeletSocket(): string {
    return join(this.#options.directory, KUBELET_SOCKET);
  }

  #added(name: string): void {
    if (name !== KUBELET_SOCKET) return;
    this.#kubeletPresent = true;
    this.#kubeletStarts++;
    this.#deps.log.info(
      { socket: this.#kubeletSocket() },
      "kubelet's registration socket appeared",
    );
    this.#schedule();
  }

  #removed(name: string): void {
    if (name === KUBELET_SOCKET) {
      this.#kubeletPresent = false;
      return;
    }
    for (const pool of this.#pools.values()) {
      if (basename(pool.server.path) !== name || pool.closing || !pool.server.listening) continue;
      pool.socketLost = true;
      this.#deps.log.warn({ socket: pool.server.path }, "the device plugin's socket was removed");
      this.#schedule();
    }
  }

  /** Events come in bursts (kubelet removes every socket, then creates its own): act once. */
  #schedule(): void {
    if (this.#abort?.signal.aborted || this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#dirty = true;
      this.#reconciling = this.#reconciling.then(() => this.#reconcile());
    }, 100);
  }

  async #reconcile(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    const signal = this.#abort?.signal;
    if (signal === undefined) return;
    await Promise.all(
      [...this.#pools.values()].map((pool) =>
        this.#serve(pool, signal).catch((err: unknown) => {
          if (signal.aborted) return;
          this.#deps.log.warn(
            { resource: pool.server.resource, err: toAgentError(err) },
            "device plugin not registered",
          );
        }),
      ),
    );
  }

  async #serve(pool: Pool, signal: AbortSignal): Promise<void> {
    const starts = this.#kubeletStarts;
    if (!this.#kubeletPresent || (pool.registeredWith === starts && !pool.socketLost)) return;
    const lost = pool.socketLost && pool.registeredWith === starts;
    pool.socketLost = false;
    pool.closing = true;
    await pool.server.close();
    pool.closing = false;
    if (lost) await this.#sleep(this.#options.settleMs, signal);
    await pool.server.listen();
    let waitMs = this.#options.retryInitialMs;
    for (;;) {
      signal.throwIfAborted();
      if (!this.#kubeletPresent || this.#kubeletStarts !== starts) return;
      try {
        await registerWithKubelet(
          this.#kubeletSocket(),
          {
            version: DEVICE_PLUGIN_API_VERSION,
            endpoint: basename(pool.server.path),
            resourceName: pool.server.resource,
            options: { preStartRequired: false, getPreferredAllocationAvailable: true },
          },
          this.#options.registerTimeoutMs,
        );
        pool.registeredWith = starts;
        this.#registrations++;
        this.#deps.log.info(
          { resource: pool.server.resource, socket: pool.server.path },
          "registered with kubelet",
        );
        return;
      } catch (err) {
        this.#deps.log.warn(
          { resource: pool.server.resource, err: toAgentError(err), retryInMs: waitMs },
          "kubelet did not accept the device plugin; retrying",
        );
        await this.#sleep(waitMs, signal);
        waitMs = Math.min(waitMs * 2, this.#options.retryMaxMs);
      }
    }
  }
}
