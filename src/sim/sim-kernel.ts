/**
 * SimKernel: a simulated Linux host for eni-agent — PCI devices, drivers and
 * their modules, netdevs, vfio/uio nodes, processes holding them, default
 * routes — behind the same Sysfs and HolderScanner ports as the real host.
 *
 * The sysfs semantics follow what Linux 6.1 answered (see driver-core.ts);
 * everything else here is the test-side API: loading modules, hot-plugging
 * devices, spawning processes that hold nodes, injecting faults, reading the
 * write log, and snapshotting the whole state as JSON.
 */
import { AgentError } from "../common/index.js";
import { devNodes } from "./device-effects.js";
import { defaultCatalog, MODULE_DEPENDENCIES } from "./driver-catalog.js";
import { DriverCore } from "./driver-core.js";
import { FaultInjector } from "./fault-injector.js";
import { PortPipeline, type SimWriteRecord } from "./port-pipeline.js";
import type { SimDir } from "./sim-node.js";
import { SimHolderScanner, SimProcess } from "./sim-processes.js";
import { SimDefaultRouteReader } from "./sim-route-reader.js";
import type {
  SimDeviceState,
  SimDriverSpec,
  SimKernelConfig,
  SimKernelState,
  SimRouteState,
} from "./sim-state.js";
import { SimSysfs } from "./sim-sysfs.js";
import { rootDir } from "./sim-tree.js";
import { TreeIndex } from "./tree-index.js";

export type { SimWriteRecord } from "./port-pipeline.js";

export interface SimKernelOptions {
  config?: Partial<SimKernelConfig>;
  /** Drivers the host knows; default: defaultCatalog(). */
  catalog?: Record<string, SimDriverSpec>;
}

/** The hardware of one PCI function, for `addDevice`. */
export interface SimDeviceSpec {
  address: string;
  /** Bridge address the device sits behind; default: the root bus. */
  parent?: string | null;
  vendor: number;
  device: number;
  subsystemVendor?: number;
  subsystemDevice?: number;
  class: number;
  revision?: number;
  /** Default -1 (no affinity). */
  numaNode?: number;
  irq?: number;
  /** A network function's MAC, e.g. "02:00:00:00:00:05". */
  mac?: string | null;
  /** The permanent iommu group (hosts with an IOMMU only). */
  iommuGroup?: number | null;
}

const DEFAULT_CONFIG: SimKernelConfig = {
  release: "6.1.0-sim",
  errnoStyle: "modern",
  iommu: false,
  noiommuSupported: true,
  naming: "kernel",
};

export class SimKernel {
  /** The Sysfs port on this kernel. */
  readonly sysfs: SimSysfs;
  /** The HolderScanner port on this kernel's processes. */
  readonly holders: SimHolderScanner;
  /** The DefaultRouteReader port on this host's routes. */
  readonly routes: SimDefaultRouteReader;
  /** Path-based faults applied to port reads and writes. */
  readonly faults = new FaultInjector();
  readonly #state: SimKernelState;
  readonly #core: DriverCore;
  readonly #pipeline: PortPipeline;
  readonly #listeners = new Set<(kernel: SimKernel) => void>();
  #version = 0;
  #index: { version: number; index: TreeIndex; root: SimDir } | null = null;

  constructor(options: SimKernelOptions = {}) {
    this.#state = emptyState({ ...DEFAULT_CONFIG, ...options.config }, options.catalog);
    this.#core = new DriverCore(this.#state, () => this.#touch());
    this.#pipeline = new PortPipeline(
      this.faults,
      () => this.#root(),
      () => this.#touch(),
    );
    this.sysfs = new SimSysfs({
      root: () => this.#root(),
      read: (path) => this.#pipeline.read(path),
      write: (path, bytes) => this.#pipeline.write(path, bytes),
    });
    this.holders = new SimHolderScanner(() => this.#state);
    this.routes = new SimDefaultRouteReader(() => this.#state);
  }

  /** A kernel continuing from a snapshot (the snapshot is copied, not shared). */
  static fromState(state: SimKernelState): SimKernel {
    if (state.format !== 1) {
      throw new AgentError("INVALID_ARGUMENT", `unknown simulator state format ${state.format}`);
    }
    const kernel = new SimKernel({ config: state.config, catalog: {} });
    Object.assign(kernel.#state, structuredClone(state));
    return kernel;
  }

  get config(): Readonly<SimKernelConfig> {
    return this.#state.config;
  }

  /** The whole state as plain JSON (a deep copy). */
  snapshot(): SimKernelState {
    return structuredClone(this.#state);
  }

  /** Calls `listener` synchronously after every state change; returns an unsubscribe function. */
  onChange(listener: (kernel: SimKernel) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---- modules ----

  /**
   * modprobe: loads the module and its dependencies, registers its drivers
   * (which then probe every unbound matching device, when autoprobe is on).
   * `params.enable_unsafe_noiommu_mode` sets vfio's parameter (ignored, as
   * the kernel does, when vfio lacks no-IOMMU support). Idempotent.
   */
  loadModule(name: string, params: { enable_unsafe_noiommu_mode?: boolean } = {}): void {
    for (const dep of MODULE_DEPENDENCIES[name] ?? []) this.loadModule(dep);
    const state = this.#state;
    if (name === "vfio" && params.enable_unsafe_noiommu_mode !== undefined) {
      state.noiommuMode = state.config.noiommuSupported && params.enable_unsafe_noiommu_mode;
    }
    if (state.modules.includes(name)) return;
    state.modules.push(name);
    for (const spec of Object.values(state.catalog)) {
      if (spec.module === name) this.#register(spec.name);
    }
    this.#touch();
  }

  /**
   * rmmod: unbinds the module's devices and unregisters its drivers. Throws
   * FAILED_PRECONDITION when another loaded module depends on it or a vfio
   * device fd keeps one of its devices busy.
   */
  unloadModule(name: string): void {
    const state = this.#state;
    if (!state.modules.includes(name)) return;
    const users = state.modules.filter((m) => MODULE_DEPENDENCIES[m]?.includes(name));
    const drivers = Object.values(state.catalog).filter((s) => s.module === name);
    const busy = state.devices.filter(
      (d) => drivers.some((s) => s.name === d.driver) && this.#core.deviceFdOpen(d.address),
    );
    if (users.length > 0 || busy.length > 0) {
      throw new AgentError("FAILED_PRECONDITION", `module ${name} is in use`, { errno: "EBUSY" });
    }
    for (const spec of drivers) {
      for (const dev of state.devices.filter((d) => d.driver === spec.name))
        this.#core.release(dev);
      state.drivers = state.drivers.filter((d) => d !== spec.name);
      delete state.dynids[spec.name];
    }
    state.modules = state.modules.filter((m) => m !== name);
    if (name === "vfio") state.noiommuMode = false;
    this.#touch();
  }

  modules(): readonly string[] {
    return [...this.#state.modules];
  }

  // ---- devices ----

  /** Hot-plugs a device: it appears, unbound with no override, and is probed when autoprobe is on. */
  addDevice(spec: SimDeviceSpec): void {
    if (!/^[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\.[0-7]$/.test(spec.address)) {
      throw new AgentError("INVALID_ARGUMENT", `bad PCI address ${spec.address}`);
    }
    if (this.#core.device(spec.address)) {
      throw new AgentError("ALREADY_EXISTS", `device ${spec.address} exists`);
    }
    const dev = newDevice(spec);
    this.#core.insertDevice(dev);
    if (this.#state.autoprobe) this.#core.deviceAttach(dev);
    this.#touch();
  }

  /**
   * Surprise removal of a device (and what sits behind it). Resolves once
   * the drivers let go: an open vfio device fd holds it, as in the kernel.
   */
  async unplugDevice(address: string): Promise<void> {
    const dev = this.#core.device(address);
    if (!dev) throw new AgentError("NOT_FOUND", `no device ${address}`);
    const gone = this.#subtree(address);
    const waiting = this.#core.removeTree(dev);
    this.#touch();
    if (waiting) await waiting;
    // Hardware that left is not found again by a rescan.
    this.#state.removed = this.#state.removed.filter((d) => !gone.has(d.address));
    this.#touch();
  }

  /** A copy of one device's state, or undefined. */
  device(address: string): SimDeviceState | undefined {
    const dev = this.#core.device(address);
    return dev ? structuredClone(dev) : undefined;
  }

  /** Copies of every present device, in bus order. */
  devices(): SimDeviceState[] {
    return structuredClone(this.#state.devices);
  }

  /** Makes the next `count` probes of `device` (by `driver`, or any) fail with `errno` (-1: always). */
  failProbe(fault: { device: string; driver?: string; errno: string; count?: number }): void {
    this.#state.probeFaults.push({
      device: fault.device,
      driver: fault.driver ?? null,
      errno: fault.errno,
      count: fault.count ?? 1,
    });
    this.#touch();
  }

  // ---- network ----

  /** Sets an interface administratively up or down (operstate follows). */
  setLinkState(ifname: string, state: "up" | "down"): void {
    const dev = this.#state.devices.find((d) => d.net?.name === ifname);
    if (!dev?.net) throw new AgentError("NOT_FOUND", `no interface ${ifname}`);
    dev.net.operstate = state;
    this.#touch();
  }

  /** Sets an interface's MTU in bytes, as netlink would (no validation beyond > 0). */
  setMtu(ifname: string, mtu: number): void {
    const dev = this.#state.devices.find((d) => d.net?.name === ifname);
    if (!dev?.net) throw new AgentError("NOT_FOUND", `no interface ${ifname}`);
    dev.net.mtu = mtu;
    this.#touch();
  }

  /** Adds a default route through `route.interface` (which must exist). */
  addDefaultRoute(route: Partial<SimRouteState> & { interface: string }): void {
    if (!this.#state.devices.some((d) => d.net?.name === route.interface)) {
      throw new AgentError("NOT_FOUND", `no interface ${route.interface}`);
    }
    this.#state.routes.push({
      family: route.family ?? 4,
      interface: route.interface,
      gateway: route.gateway ?? null,
      metric: route.metric ?? 0,
    });
    this.#touch();
  }

  /** Default routes; a route disappears with its interface, as the kernel flushes it. */
  defaultRoutes(): SimRouteState[] {
    return structuredClone(this.#state.routes);
  }

  // ---- user space ----

  /** Starts a simulated process (holds nothing yet). */
  spawn(command: string): SimProcess {
    const pid = this.#state.nextPid++;
    this.#state.processes.push({ pid, command, fds: [] });
    this.#touch();
    return this.#process(pid);
  }

  /** A handle on a live process (also after a restore), or undefined. */
  process(pid: number): SimProcess | undefined {
    return this.#state.processes.some((p) => p.pid === pid) ? this.#process(pid) : undefined;
  }

  /** Device nodes that exist now, e.g. ["/dev/uio0", "/dev/vfio/noiommu-0", "/dev/vfio/vfio"]. */
  devNodes(): string[] {
    return devNodes(this.#state);
  }

  /** The sysfs tree as of now (computed from the state; see sim-node.ts). */
  tree(): SimDir {
    return this.#root();
  }

  // ---- write log ----

  /** Every write through the port since the last clear, oldest first. */
  writeLog(): readonly Readonly<SimWriteRecord>[] {
    return this.#pipeline.log();
  }

  clearWriteLog(): void {
    this.#pipeline.clearLog();
  }

  // ---- internals ----

  #process(pid: number): SimProcess {
    return new SimProcess(
      { state: this.#state, core: this.#core, touch: () => this.#touch() },
      pid,
    );
  }

  /** The address of a present device and of everything behind it. */
  #subtree(address: string): Set<string> {
    const found = new Set([address]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of this.#state.devices) {
        if (d.parent !== null && found.has(d.parent) && !found.has(d.address)) {
          found.add(d.address);
          grew = true;
        }
      }
    }
    return found;
  }

  #register(driver: string): void {
    if (this.#state.drivers.includes(driver)) return;
    this.#state.drivers.push(driver);
    this.#state.dynids[driver] ??= [];
    if (this.#state.autoprobe) this.#core.driverAttach(driver);
  }

  #touch(): void {
    this.#version++;
    for (const listener of this.#listeners) listener(this);
  }

  /**
   * The tree of the current state version. Directories remember the nodes
   * they made (sim-node.ts), so the tree is kept per version: every state
   * change bumps the version and the next access starts a new tree.
   */
  #root(): SimDir {
    if (this.#index?.version !== this.#version) {
      const index = new TreeIndex(this.#state);
      const root = rootDir({ state: this.#state, core: this.#core, index });
      this.#index = { version: this.#version, index, root };
    }
    return this.#index.root;
  }
}

function emptyState(
  config: SimKernelConfig,
  catalog: Record<string, SimDriverSpec> = defaultCatalog(),
): SimKernelState {
  return {
    format: 1,
    config,
    catalog: structuredClone(catalog),
    modules: [],
    // Built-in drivers register at boot, before any module.
    drivers: Object.values(catalog)
      .filter((s) => s.module === null)
      .map((s) => s.name),
    dynids: {},
    devices: [],
    removed: [],
    autoprobe: true,
    noiommuMode: false,
    nextIfindex: 2,
    nextPid: 1000,
    processes: [],
    routes: [],
    probeFaults: [],
  };
}

function newDevice(spec: SimDeviceSpec): SimDeviceState {
  return {
    address: spec.address,
    parent: spec.parent ?? null,
    vendor: spec.vendor,
    device: spec.device,
    subsystemVendor: spec.subsystemVendor ?? spec.vendor,
    subsystemDevice: spec.subsystemDevice ?? 0,
    class: spec.class,
    revision: spec.revision ?? 0,
    numaNode: spec.numaNode ?? -1,
    irq: spec.irq ?? 0,
    mac: spec.mac ?? null,
    iommuGroup: spec.iommuGroup ?? null,
    driver: null,
    driverOverride: null,
    enable: 0,
    powerState: "D0",
    net: null,
    virtio: null,
    vfio: null,
    uio: null,
    releasing: false,
  };
}
