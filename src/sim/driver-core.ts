/**
 * The PCI driver core as the sysfs stores see it (drivers/base/bus.c, dd.c,
 * drivers/pci/pci-driver.c, pci-sysfs.c of Linux 6.1), over a SimKernelState.
 * Each store returns an errno name or null for success; a store that waits in
 * the kernel (an unbind blocked by an open vfio device fd, or anything that
 * needs the device lock meanwhile) returns a promise.
 *
 * Kernel behaviours reproduced on purpose (see the observed facts):
 * - devices are found by exact name (sysfs_streq: one trailing "\n" allowed,
 *   text after a NUL ignored);
 * - unbind only from the bound driver, else ENODEV;
 * - bind checks the match first (ENODEV), then busy (EBUSY), then returns
 *   the probe's errno (EPROBE_DEFER as EAGAIN); before 5.14 all are ENODEV;
 * - drivers_probe succeeds whenever the device exists; a failing probe lets
 *   the next matching driver try, in registration order;
 * - new_id binds every unbound matching device at once; remove_id never unbinds.
 */
import { applyBinding, removeBinding } from "./device-effects.js";
import { cString, PAGE_SIZE, parseUlong, scanHexFields, sysfsStreq } from "./kernel-text.js";
import {
  PCI_ANY_ID,
  type SimDeviceState,
  type SimDriverSpec,
  type SimKernelState,
  type SimPciId,
} from "./sim-state.js";

/** An errno name, or null for success. */
type StoreResult = string | null;
export type StoreOutcome = StoreResult | Promise<StoreResult>;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export class DriverCore {
  readonly #state: SimKernelState;
  readonly #changed: () => void;
  readonly #releases = new Map<string, Deferred>();

  /** `changed` runs after a state change that no write caused (a release completing). */
  constructor(state: SimKernelState, changed: () => void) {
    this.#state = state;
    this.#changed = changed;
  }

  device(address: string): SimDeviceState | undefined {
    return this.#state.devices.find((d) => d.address === address);
  }

  spec(driver: string): SimDriverSpec | undefined {
    return this.#state.catalog[driver];
  }

  /** pci_match_device(): override first, then dynamic ids, then the static table. */
  matches(driver: string, dev: Pick<SimDeviceState, MatchFields>): boolean {
    if (dev.driverOverride !== null && dev.driverOverride !== driver) return false;
    if ((this.#state.dynids[driver] ?? []).some((id) => idMatches(id, dev))) return true;
    if ((this.spec(driver)?.ids ?? []).some((id) => idMatches(id, dev))) return true;
    // An override naming this driver matches even without an id.
    return dev.driverOverride !== null;
  }

  /** A device fd of this vfio device is open in some process. */
  deviceFdOpen(address: string): boolean {
    return this.#state.processes.some((p) => p.fds.some((fd) => fd.vfioDevice === address));
  }

  /** Resolves when a blocked unbind of the device finishes; null when none is pending. */
  pendingRelease(dev: SimDeviceState): Promise<void> | null {
    if (!dev.releasing) return null;
    let pending = this.#releases.get(dev.address);
    if (!pending) {
      // Restored from a snapshot taken while an unbind was blocked.
      pending = deferred();
      this.#releases.set(dev.address, pending);
    }
    return pending.promise;
  }

  /**
   * Called when user space closes a device fd. Only the last close disables
   * the device (vfio_pci_core_disable runs when the open count drops to 0)
   * and lets a blocked unbind complete.
   */
  deviceFdReleased(address: string): void {
    const dev = this.device(address);
    if (!dev || this.deviceFdOpen(address)) return;
    if (dev.vfio) dev.enable = 0;
    if (dev.vfio) dev.powerState = "D3hot";
    if (!dev.releasing) return;
    removeBinding(this.#state, dev);
    const pending = this.#releases.get(address);
    this.#releases.delete(address);
    this.#changed();
    pending?.resolve();
  }

  // ---- the sysfs stores ----

  bind(driver: string, bytes: Uint8Array): StoreOutcome {
    const dev = this.findByName(bytes);
    if (!dev || !this.matches(driver, dev)) return "ENODEV";
    return this.afterLock(dev, () => this.attach(driver, dev));
  }

  unbind(driver: string, bytes: Uint8Array): StoreOutcome {
    const dev = this.findByName(bytes);
    if (!dev || dev.driver !== driver) return "ENODEV";
    const waiting = this.release(dev);
    return waiting ? waiting.then(() => null) : null;
  }

  driversProbe(bytes: Uint8Array): StoreResult {
    const dev = this.findByName(bytes);
    if (!dev) return "ENODEV";
    // bus_rescan_devices_helper() looks at dev->driver without the lock: a
    // device whose unbind is blocked still has a driver and is skipped.
    this.deviceAttach(dev);
    return null;
  }

  newId(driver: string, bytes: Uint8Array): StoreResult {
    const f = scanHexFields(cString(bytes), 7);
    if (f.length < 2) return "EINVAL";
    const id: SimPciId = {
      vendor: f[0]!,
      device: f[1]!,
      subvendor: f[2] ?? PCI_ANY_ID,
      subdevice: f[3] ?? PCI_ANY_ID,
      class: f[4] ?? 0,
      classMask: f[5] ?? 0,
      driverData: f[6] ?? 0,
    };
    if (f.length !== 7) {
      // The kernel probes its own match function with a fake device built
      // from the short form (ids truncated to 16 bits, no override).
      const fake = {
        vendor: id.vendor & 0xffff,
        device: id.device & 0xffff,
        subsystemVendor: id.subvendor & 0xffff,
        subsystemDevice: id.subdevice & 0xffff,
        class: id.class,
        driverOverride: null,
      };
      if (this.matches(driver, fake)) return "EEXIST";
    }
    const ids = this.spec(driver)?.ids ?? [];
    if (ids.length > 0 && !ids.some((entry) => entry.driverData === id.driverData)) return "EINVAL";
    const dynids = this.#state.dynids[driver] ?? [];
    dynids.push(id);
    this.#state.dynids[driver] = dynids;
    this.driverAttach(driver);
    return null;
  }

  removeId(driver: string, bytes: Uint8Array): StoreResult {
    const f = scanHexFields(cString(bytes), 6);
    if (f.length < 2) return "EINVAL";
    const [vendor, device] = f as [number, number];
    const subvendor = f[2] ?? PCI_ANY_ID;
    const subdevice = f[3] ?? PCI_ANY_ID;
    const cls = f[4] ?? 0;
    const classMask = f[5] ?? 0;
    const dynids = this.#state.dynids[driver] ?? [];
    const index = dynids.findIndex(
      (id) =>
        id.vendor === vendor &&
        id.device === device &&
        (subvendor === PCI_ANY_ID || id.subvendor === subvendor) &&
        (subdevice === PCI_ANY_ID || id.subdevice === subdevice) &&
        ((id.class ^ cls) & classMask) === 0,
    );
    if (index < 0) return "ENODEV";
    dynids.splice(index, 1);
    return null;
  }

  /**
   * driver_set_override(): ≥ PAGE_SIZE-1 bytes → EINVAL; text up to the first
   * NUL; empty or starting with "\n" clears; otherwise cut at the first "\n".
   * Free text, never validated; changes nothing until the next probe.
   */
  driverOverride(dev: SimDeviceState, bytes: Uint8Array): StoreOutcome {
    if (bytes.length >= PAGE_SIZE - 1) return "EINVAL";
    const text = cString(bytes);
    return this.afterLock(dev, () => {
      const newline = text.indexOf("\n");
      if (text.length === 0 && this.#state.config.nulOverrideQuirk) dev.driverOverride = "";
      else if (text.length === 0 || newline === 0) dev.driverOverride = null;
      else dev.driverOverride = newline < 0 ? text : text.slice(0, newline);
      return null;
    });
  }

  /** `enable`: only while no driver holds the device (EBUSY); disabling a disabled device is EIO. */
  enable(dev: SimDeviceState, bytes: Uint8Array): StoreResult {
    const value = parseUlong(cString(bytes));
    if (value === null) return "EINVAL";
    if (dev.driver !== null) return "EBUSY";
    if (value !== 0) dev.enable += 1;
    else if (dev.enable > 0) dev.enable = 0;
    else return "EIO";
    return null;
  }

  /** `remove`: "1" removes the device and everything behind it; "0" does nothing. */
  remove(dev: SimDeviceState, bytes: Uint8Array): StoreOutcome {
    const value = parseUlong(cString(bytes));
    if (value === null) return "EINVAL";
    if (value === 0) return null;
    const done = this.removeTree(dev);
    return done ? done.then(() => null) : null;
  }

  /** `bus/pci/rescan` (and a device's `rescan`): removed devices come back and are probed. */
  rescan(bytes: Uint8Array): StoreResult {
    const value = parseUlong(cString(bytes));
    if (value === null) return "EINVAL";
    if (value !== 0) this.rescanAll();
    return null;
  }

  // ---- driver-core primitives, also used by the kernel's own API ----

  /** device_attach(): the first registered matching driver whose probe succeeds. */
  deviceAttach(dev: SimDeviceState): void {
    if (dev.driver !== null) return;
    for (const driver of this.#state.drivers) {
      if (this.matches(driver, dev) && this.probe(driver, dev) === null) return;
    }
  }

  /**
   * driver_attach(): probe every unbound matching device (module load,
   * new_id). Errors are ignored, as the kernel does. Devices whose unbind is
   * blocked are skipped (the kernel would wait for their lock).
   */
  driverAttach(driver: string): void {
    for (const dev of this.#state.devices) {
      if (dev.driver === null && this.matches(driver, dev)) this.probe(driver, dev);
    }
  }

  /** device_release_driver(); a promise while a vfio device fd keeps it busy. */
  release(dev: SimDeviceState): Promise<void> | null {
    if (dev.driver === null) return null;
    const pending = this.pendingRelease(dev);
    if (pending) return pending;
    if (dev.vfio && this.deviceFdOpen(dev.address)) {
      // vfio_unregister_group_dev() waits for the user to close the device
      // ("Device is currently in use, task … blocked until device is released").
      dev.releasing = true;
      return this.pendingRelease(dev);
    }
    removeBinding(this.#state, dev);
    return null;
  }

  /** Removes a device and its children (depth first), waiting for blocked releases. */
  removeTree(dev: SimDeviceState): Promise<void> | null {
    const children = this.#state.devices.filter((d) => d.parent === dev.address);
    const waits = children.map((child) => this.removeTree(child)).filter((p) => p !== null);
    const finish = (): Promise<void> | null => {
      const waiting = this.release(dev);
      if (waiting) {
        return waiting.then(() => {
          this.detach(dev);
          this.#changed();
        });
      }
      this.detach(dev);
      return null;
    };
    if (waits.length === 0) return finish();
    return Promise.all(waits).then(() => finish() ?? undefined);
  }

  /** Brings back removed devices whose parent is present, and probes them. */
  rescanAll(): void {
    const added: SimDeviceState[] = [];
    for (let progress = true; progress; ) {
      progress = false;
      for (const dev of [...this.#state.removed]) {
        if (dev.parent !== null && !this.device(dev.parent)) continue;
        this.#state.removed = this.#state.removed.filter((d) => d !== dev);
        this.insertDevice(dev);
        added.push(dev);
        progress = true;
      }
    }
    if (this.#state.autoprobe) for (const dev of added) this.deviceAttach(dev);
  }

  /** Inserts a device in bus order (by address). */
  insertDevice(dev: SimDeviceState): void {
    const devices = this.#state.devices;
    const at = devices.findIndex((d) => d.address > dev.address);
    if (at < 0) devices.push(dev);
    else devices.splice(at, 0, dev);
  }

  private detach(dev: SimDeviceState): void {
    if (!this.device(dev.address)) return;
    this.#state.devices = this.#state.devices.filter((d) => d !== dev);
    // A new pci_dev is allocated on rescan: the override does not survive.
    dev.driverOverride = null;
    this.#state.removed.push(dev);
  }

  private attach(driver: string, dev: SimDeviceState): StoreResult {
    if (!this.device(dev.address)) return "ENODEV";
    const modern = this.#state.config.errnoStyle === "modern";
    if (dev.driver !== null) return modern ? "EBUSY" : "ENODEV";
    const error = this.probe(driver, dev);
    if (error === null) return null;
    if (!modern) return "ENODEV";
    return error === "EPROBE_DEFER" ? "EAGAIN" : error;
  }

  /** really_probe(): an injected probe fault, else the driver's own probe. */
  private probe(driver: string, dev: SimDeviceState): StoreResult {
    const spec = this.spec(driver);
    if (!spec || !this.#state.drivers.includes(driver)) return "ENODEV";
    const fault = this.#state.probeFaults.find(
      (f) =>
        f.device === dev.address && (f.driver === null || f.driver === driver) && f.count !== 0,
    );
    if (fault) {
      if (fault.count > 0) fault.count -= 1;
      this.#state.probeFaults = this.#state.probeFaults.filter((f) => f.count !== 0);
      return fault.errno;
    }
    return applyBinding(this.#state, spec, dev);
  }

  /** Runs `action` now, or after a blocked unbind of `dev` released the device lock. */
  private afterLock(dev: SimDeviceState, action: () => StoreResult): StoreOutcome {
    const pending = this.pendingRelease(dev);
    if (!pending) return action();
    return pending.then(() => {
      const result = action();
      // Announce the change now: readers keep the tree of a state version.
      this.#changed();
      return result;
    });
  }

  private findByName(bytes: Uint8Array): SimDeviceState | undefined {
    const text = cString(bytes);
    return this.#state.devices.find((d) => sysfsStreq(d.address, text));
  }
}

type MatchFields =
  | "vendor"
  | "device"
  | "subsystemVendor"
  | "subsystemDevice"
  | "class"
  | "driverOverride";

/** pci_match_one_device(). */
function idMatches(id: SimPciId, dev: Pick<SimDeviceState, MatchFields>): boolean {
  return (
    (id.vendor === PCI_ANY_ID || id.vendor === dev.vendor) &&
    (id.device === PCI_ANY_ID || id.device === dev.device) &&
    (id.subvendor === PCI_ANY_ID || id.subvendor === dev.subsystemVendor) &&
    (id.subdevice === PCI_ANY_ID || id.subdevice === dev.subsystemDevice) &&
    ((id.class ^ dev.class) & id.classMask) === 0
  );
}
