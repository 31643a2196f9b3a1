/**
 * Watches the managed PCI devices by polling `bus/pci/devices`: inotify sees
 * no kernel-created sysfs entries (sysfs is not a real file system; its
 * directories appear without any write that inotify could report), and a
 * uevent netlink socket would need privileges and native code. A poll of a
 * handful of attributes per device is cheap and works the same on the real
 * kernel and on the simulator.
 *
 * An owned job: the first scan (at start) is the baseline and reports
 * nothing; each later scan reports devices added, removed, and whose driver
 * changed since the one before.
 *
 * Each round first checks cheaply whether there can be anything to report:
 * one listing of `bus/pci/devices` and one readlink of `driver` per managed
 * device. Only when the listing or a driver differs from the last scan does
 * the full scan (every attribute of every device) run. The reported changes
 * are the same; an idle host costs a few system calls a round instead of a
 * dozen reads per device.
 */
import {
  type AgentError,
  type DriverName,
  isAgentError,
  type PciAddress,
  PeriodicJob,
  type Service,
  toAgentError,
} from "../common/index.js";
import {
  type PciDevice,
  type ReadDeviceOptions,
  type Sysfs,
  scanInventory,
} from "../sysfs/index.js";

const DEVICES = "bus/pci/devices";

export type DeviceChange =
  | { kind: "added"; device: PciDevice }
  /** `device` as it was last seen. */
  | { kind: "removed"; device: PciDevice }
  | { kind: "driver_changed"; device: PciDevice; from: DriverName | null };

interface DeviceWatcherDeps {
  sysfs: Sysfs;
  /** Which devices are watched (the managed vendor:device ids). */
  managed: (device: PciDevice) => boolean;
  /** The changes of one scan, in address order; called only when there are some. */
  onChanges: (changes: DeviceChange[]) => void;
  /** A scan that failed (the next one retries). */
  onError?: (error: AgentError) => void;
}

interface DeviceWatcherOptions {
  /** Read before every wait, so a reload takes effect at the next round. */
  pollIntervalMs: () => number;
  read?: ReadDeviceOptions;
}

export class DeviceWatcher implements Service {
  readonly name = "device-watcher";
  readonly #deps: DeviceWatcherDeps;
  readonly #options: DeviceWatcherOptions;
  #known = new Map<PciAddress, PciDevice>();
  /** The listing of `bus/pci/devices` at the last scan, sorted. */
  #listed: string[] = [];
  #scan: Promise<DeviceChange[]> | null = null;
  readonly #job: PeriodicJob;

  constructor(deps: DeviceWatcherDeps, options: DeviceWatcherOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#job = new PeriodicJob("device-watcher", { intervalMs: options.pollIntervalMs }, () =>
      this.#round(),
    );
  }

  /** Takes the baseline scan (errors propagate: no device view, no daemon), then polls. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#job.signal !== null) return;
    this.#known = new Map((await this.#read()).map((d) => [d.address, d]));
    await this.#job.start(signal);
  }

  async stop(): Promise<void> {
    await this.#job.stop();
    await this.#scan?.catch(() => undefined);
  }

  /** The devices as of the last scan, by address. */
  known(): PciDevice[] {
    return [...this.#known.values()];
  }

  /** Scans now (joining a scan in flight) and reports the changes; also for tests. */
  scanOnce(): Promise<DeviceChange[]> {
    this.#scan ??= this.#diff().finally(() => {
      this.#scan = null;
    });
    return this.#scan;
  }

  /** One round: the cheap check, then the full scan when it saw something. Never throws. */
  async #round(): Promise<void> {
    try {
      if (await this.#mayHaveChanged()) await this.scanOnce();
    } catch (err) {
      this.#deps.onError?.(toAgentError(err));
    }
  }

  async #read(): Promise<PciDevice[]> {
    const listed = await this.#list();
    const inventory = await scanInventory(this.#deps.sysfs, this.#options.read);
    this.#listed = listed;
    return inventory.devices.filter(this.#deps.managed);
  }

  async #list(): Promise<string[]> {
    return (await this.#deps.sysfs.list(DEVICES)).sort();
  }

  /** False only when no device came or went and no managed device changed driver. */
  async #mayHaveChanged(): Promise<boolean> {
    const listed = await this.#list();
    if (listed.length !== this.#listed.length || listed.some((n, i) => n !== this.#listed[i])) {
      return true;
    }
    const drivers = await Promise.all(
      [...this.#known.values()].map(async (d) => (await this.#driver(d.address)) === d.driver),
    );
    return drivers.includes(false);
  }

  /** The basename of the device's `driver` link; null when unbound (or the device vanished). */
  async #driver(address: PciAddress): Promise<string | null> {
    try {
      const target = await this.#deps.sysfs.readlink(`${DEVICES}/${address}/driver`);
      return target.slice(target.lastIndexOf("/") + 1);
    } catch (err) {
      if (isAgentError(err) && err.code === "NOT_FOUND") return null;
      throw err;
    }
  }

  async #diff(): Promise<DeviceChange[]> {
    const now = new Map((await this.#read()).map((d) => [d.address, d]));
    const changes: DeviceChange[] = [];
    for (const [address, device] of now) {
      const before = this.#known.get(address);
      if (before === undefined) changes.push({ kind: "added", device });
      else if (before.driver !== device.driver) {
        changes.push({ kind: "driver_changed", device, from: before.driver });
      }
    }
    for (const [address, device] of this.#known) {
      if (!now.has(address)) changes.push({ kind: "removed", device });
    }
    this.#known = now;
    changes.sort((a, b) => (a.device.address < b.device.address ? -1 : 1));
    if (changes.length > 0) this.#deps.onChanges(changes);
    return changes;
  }
}
