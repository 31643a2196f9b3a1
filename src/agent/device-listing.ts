/**
 * The managed devices as the API shows them: which devices are managed,
 * how a selector (PCI address, interface, MAC, ENI id) resolves to one, and
 * the records the listing joins from sysfs, the engine, IMDS identity and
 * the desired bindings. Listings are kept in a DeviceView between calls.
 */
import { AgentError, isAgentError, type PciAddress, toAgentError } from "../common/index.js";
import type { DesiredStore, DriverEngine } from "../driver/index.js";
import type { DeviceList, DeviceRecord, DeviceSelector } from "../server/core-types.js";
import {
  type DefaultRouteReader,
  ENA_KERNEL_DRIVER,
  type HolderScanner,
  isEna,
  managedIds,
  type PciDevice,
  pciId,
  readDevice,
  type Sysfs,
  scanInventory,
} from "../sysfs/index.js";
import type { AgentConfig } from "./config-schema.js";
import {
  type DeviceRecordDeps,
  desiredLookup,
  deviceRecord,
  type ListingContext,
} from "./device-records.js";
import { DeviceView } from "./device-view.js";
import type { ImdsIdentity } from "./imds-identity.js";

export interface DeviceListingDeps {
  engine: DriverEngine;
  sysfs: Sysfs;
  holders: HolderScanner;
  routes: DefaultRouteReader;
  identity: ImdsIdentity;
  desired: DesiredStore;
  config: () => AgentConfig;
  /** The running operation on a device, if any. */
  active: (device: PciAddress) => string | null;
}

export class DeviceListing {
  readonly #deps: DeviceListingDeps;
  readonly #view: DeviceView;

  constructor(deps: DeviceListingDeps) {
    this.#deps = deps;
    this.#view = new DeviceView({
      build: () => this.#build(),
      inputs: () => [deps.identity.instance(), deps.config()],
      maxAgeMs: () => deps.config().deviceWatch.pollIntervalMs,
    });
  }

  /** Every managed device; from the kept listing unless `fresh`. */
  list(options: { fresh: boolean }): Promise<DeviceList> {
    return this.#view.list(options);
  }

  /**
   * Every managed device read now, without the processes holding their
   * nodes (`holders` empty): for the termination plan, which needs drivers
   * and identities only. Not kept as a listing.
   */
  async scanWithoutHolders(): Promise<DeviceRecord[]> {
    return this.#build(false);
  }

  /** What a listing shows may have changed (an event went out). */
  invalidate(): void {
    this.#view.invalidate();
  }

  /** One device, read now (that device only). NOT_FOUND when it is not a managed device. */
  async get(selector: DeviceSelector): Promise<DeviceRecord> {
    const address = await this.resolve(selector);
    const { devRoot } = this.#deps.config();
    const device = await readDevice(this.#deps.sysfs, address, { devRoot });
    if (device === null || !this.#managed(device)) {
      throw new AgentError("NOT_FOUND", `${address} is not a device eni-agent manages`, {
        device: address,
      });
    }
    return this.record(device);
  }

  /** The record of a device as read (for events about it). */
  async record(device: PciDevice): Promise<DeviceRecord> {
    return deviceRecord(device, this.#recordDeps(), await this.#context());
  }

  async resolve(selector: DeviceSelector): Promise<PciAddress> {
    const { engine, identity } = this.#deps;
    try {
      switch (selector.by) {
        case "pci":
          return selector.pciAddress;
        case "interface":
          return await engine.resolve(selector.interfaceName);
        case "mac":
          return await engine.resolve(selector.mac);
        case "eni": {
          const mac = await identity.eniMac(selector.eniId);
          if (mac === null) {
            throw new AgentError(
              "NOT_FOUND",
              `${selector.eniId} is not attached to this instance`,
              {
                remedy:
                  "check the ENI id; a freshly attached ENI appears in metadata within a minute",
              },
            );
          }
          return await engine.resolve(mac);
        }
      }
    } catch (err) {
      if (isAgentError(err)) throw err;
      throw toAgentError(err);
    }
  }

  /**
   * Records of every managed device. Their holder scans start together and
   * so share one walk over /proc (see RealHolderScanner).
   */
  async #build(withHolders = true): Promise<DeviceRecord[]> {
    const [devices, context] = await Promise.all([this.#inventory(), this.#context(withHolders)]);
    const deps = this.#recordDeps();
    return Promise.all(devices.map((d) => deviceRecord(d, deps, context)));
  }

  /** Managed devices as sysfs shows them now. */
  async #inventory(): Promise<PciDevice[]> {
    const { devRoot } = this.#deps.config();
    const inventory = await scanInventory(this.#deps.sysfs, { devRoot });
    return inventory.devices.filter((d) => this.#managed(d));
  }

  #managed(device: PciDevice): boolean {
    return managedIds(this.#deps.config().allowedDevices).includes(
      pciId(device.vendor, device.device),
    );
  }

  async #context(withHolders = true): Promise<ListingContext> {
    const config = this.#deps.config();
    const [routes, desired] = await Promise.all([
      this.#deps.routes.defaultRoutes().catch(() => []),
      desiredLookup(this.#deps.desired, config.bindings, config.allowedDrivers).catch(
        () => () => null,
      ),
    ]);
    return {
      routed: new Set(routes.map((r) => r.interface)),
      primary: { mac: config.guards.primaryMac, interface: config.guards.primaryInterface },
      desired,
      withHolders,
    };
  }

  #recordDeps(): DeviceRecordDeps {
    const { engine, identity, holders, active } = this.#deps;
    return {
      engine,
      active,
      identity,
      holders,
      allowedDrivers: this.#deps.config().allowedDrivers,
      kernelDriver: (d) =>
        isEna(d.vendor, d.device) ? ENA_KERNEL_DRIVER : (engine.home(d.address)?.driver ?? null),
    };
  }
}
