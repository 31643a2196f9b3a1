/**
 * What the agent does when the device watcher reports a change: tells event
 * subscribers, reports drift when a driver changed with no operation to
 * explain it, and gives a device that appeared (a hot-attached ENI) its
 * desired binding.
 */
import { type PciAddress, toAgentError } from "../common/index.js";
import type { OperationResult } from "../driver/index.js";
import type { AgentEventPayload, DeviceRecord } from "../server/core-types.js";
import type { PciDevice } from "../sysfs/index.js";
import type { AgentLog } from "./agent-log.js";
import type { DeviceChange } from "./device-watcher.js";

interface DeviceChangeDeps {
  log: AgentLog;
  emit: (payload: AgentEventPayload) => void;
  /** The record of a device as read. */
  record: (device: PciDevice) => Promise<DeviceRecord>;
  /** The operation that changed the device's driver lately, if any. */
  recentOperation: (device: PciAddress) => string | null;
  /** Asks IMDS again (a hot-attached ENI may not be known yet). */
  refreshIdentity: () => Promise<void>;
  /** False while stopping or terminating: no new binding then. */
  mayBind: () => boolean;
  /** Applies the device's desired binding (an operation of kind "reapply"); null when it has none. */
  applyDesired: (device: PciAddress) => Promise<OperationResult | null>;
  /** After a binding applied on attach. */
  applied: (device: PciAddress, driver: string | null) => void;
  driftFound: () => void;
}

export class DeviceChangeHandler {
  readonly #deps: DeviceChangeDeps;

  constructor(deps: DeviceChangeDeps) {
    this.#deps = deps;
  }

  async handle(change: DeviceChange): Promise<void> {
    switch (change.kind) {
      case "removed":
        return this.#removed(change.device);
      case "driver_changed":
        return this.#driverChanged(change.device, change.from);
      case "added":
        return this.#added(change.device);
    }
  }

  async #removed(device: PciDevice): Promise<void> {
    const record = await this.#deps.record(device);
    this.#deps.log.info({ device: device.address }, "device removed");
    this.#deps.emit({
      kind: "device_removed",
      pciAddress: device.address,
      identity: record.identity,
    });
  }

  async #driverChanged(device: PciDevice, from: PciDevice["driver"]): Promise<void> {
    const address = device.address;
    const operationId = this.#deps.recentOperation(address);
    this.#deps.log.info(
      { device: address, from, to: device.driver, op: operationId },
      "driver changed",
    );
    this.#deps.emit({
      kind: "driver_changed",
      pciAddress: address,
      fromDriver: from,
      toDriver: device.driver,
      operationId,
    });
    if (operationId === null) await this.#checkDrift(device);
  }

  async #added(device: PciDevice): Promise<void> {
    const { log } = this.#deps;
    const address = device.address;
    // A hot-attached ENI may not be in IMDS yet; ask now rather than at the next round.
    await this.#deps.refreshIdentity();
    const record = await this.#deps.record(device);
    log.info({ device: address }, "device added");
    this.#deps.emit({ kind: "device_added", device: record });
    if (!this.#deps.mayBind()) return;
    try {
      const applied = await this.#deps.applyDesired(address);
      if (applied !== null) {
        log.info({ device: address, op: applied.operationId }, "desired binding applied on attach");
        this.#deps.applied(address, applied.state.driver);
      }
    } catch (err) {
      log.warn({ device: address, err: toAgentError(err) }, "desired binding failed on attach");
    }
  }

  /** A driver change no operation explains, on a device with a desired driver. */
  async #checkDrift(device: PciDevice): Promise<void> {
    const record = await this.#deps.record(device);
    const expected = record.desiredDriver;
    if (expected === null || expected === device.driver) return;
    this.#deps.driftFound();
    this.#deps.emit({
      kind: "drift_found",
      pciAddress: device.address,
      expectedDriver: expected,
      actualDriver: device.driver,
      detail: `bound to ${device.driver ?? "no driver"} outside eni-agent; desired ${expected}`,
    });
  }
}
