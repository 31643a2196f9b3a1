/**
 * A small in-memory AgentCore for the server tests. It keeps devices and
 * operations, emits events on demand, records every call it receives (so a
 * test can prove what reached the core) and can be told to fail or to wait
 * for the call's signal.
 */
import {
  AgentError,
  type DriverName,
  type EniId,
  type InterfaceName,
  type Mac,
  type PciAddress,
} from "../../src/common/index.js";
import type { AgentCore, CallContext } from "../../src/server/agent-core.js";
import type {
  AgentEvent,
  AgentEventPayload,
  BindRequest,
  DeviceList,
  DeviceRecord,
  DeviceSelector,
  HealthReport,
  OperationPage,
  OperationQuery,
  OperationRecord,
  RestoreRequest,
  TerminationResult,
} from "../../src/server/core-types.js";
import type { HostReport } from "../../src/server/host-report.js";

export type CoreMethod = Exclude<keyof AgentCore, "subscribeEvents" | "health">;

export interface ReceivedCall {
  method: CoreMethod;
  args: unknown[];
  ctx: CallContext;
}

export const T0 = new Date("2026-01-07T01:03:47.250Z");

export function device(n: number, overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  const hex = n.toString(16).padStart(2, "0");
  return {
    pciAddress: `0000:00:${hex}.0` as PciAddress,
    vendorId: "1d0f",
    deviceId: "ec20",
    driver: "ena" as DriverName,
    driverOverride: null,
    state: "kernel",
    stateDetail: null,
    identity: {
      mac: `0e:49:61:0f:c3:${hex}` as Mac,
      eniId: `eni-0f95d3625f5c521${hex}` as EniId,
      interfaceName: `ens${n}` as InterfaceName,
      mtu: 9001,
      deviceNumber: n - 5,
      networkCard: 0,
      recordedAt: T0,
    },
    numaNode: null,
    iommuGroup: null,
    management: n === 5,
    desiredDriver: null,
    activeOperationId: null,
    holders: [],
    devNode: null,
    ...overrides,
  };
}

export function operation(id: string, overrides: Partial<OperationRecord> = {}): OperationRecord {
  return {
    id,
    kind: "bind",
    status: "succeeded",
    pciAddress: "0000:00:06.0" as PciAddress,
    fromDriver: "ena" as DriverName,
    toDriver: "vfio-pci" as DriverName,
    dryRun: false,
    force: false,
    overriddenGuards: [],
    persist: false,
    confirmation: null,
    steps: [
      {
        description: "set driver_override to vfio-pci",
        path: "bus/pci/devices/0000:00:06.0/driver_override",
        value: "vfio-pci",
        status: "done",
      },
      { description: "verify", path: null, value: null, status: "done" },
    ],
    error: null,
    createdAt: T0,
    updatedAt: T0,
    finishedAt: T0,
    requestedBy: null,
    ...overrides,
  };
}

export function hostReport(health: HealthReport): HostReport {
  return {
    agentVersion: "0.1.0-test",
    kernelVersion: "6.1.0-test",
    modules: [{ name: "vfio_pci", loaded: true, builtin: false, parameters: { ids: "" } }],
    noiommu: { available: true, enabled: true },
    iommu: { present: false, groupCount: 0 },
    hugepages: [{ numaNode: 0, pageSizeKib: 2048, totalPages: 1024, freePages: 1000 }],
    writeCombining: { affected: true, detail: "vfio-pci maps BARs without write-combining" },
    imds: { reachable: true, detail: "http://169.254.169.254", lastSuccessAt: T0 },
    identity: {
      instanceId: "i-1234567890abcdef0",
      instanceType: "c6in.4xlarge",
      region: "us-east-1",
      availabilityZone: "us-east-1a",
      primaryMac: "0e:49:61:0f:c3:11" as Mac,
    },
    terminationWatcher: { state: "running", lastPollAt: T0, lastError: "", pendingNotice: null },
    journal: { healthy: true, directory: "/var/lib/eni-agent", unresolvedEntries: 0, detail: "" },
    checks: [{ name: "vfio-noiommu", severity: "warn", message: "no IOMMU", remedy: "" }],
    health,
  };
}

export class FakeCore implements AgentCore {
  devices: DeviceRecord[] = [device(5), device(6), device(7)];
  operations: OperationRecord[] = [];
  /** What ListOperations says is wrong with the journal. */
  journalNotes: string[] = [];
  received: ReceivedCall[] = [];
  /** The next call of a method rejects with this. */
  failures = new Map<CoreMethod, unknown>();
  /** Calls of these methods wait until their signal aborts, then reject with its reason. */
  blockUntilAborted = new Set<CoreMethod>();
  /** Resolves the deferred calls started while the method was in `deferred`. */
  deferred = new Set<CoreMethod>();
  #release: (() => void)[] = [];
  #listeners = new Set<(event: AgentEvent) => void>();
  #sequence = 0;
  #health: HealthReport = {
    serving: true,
    components: [
      { name: "journal", healthy: true, detail: "" },
      { name: "imds", healthy: true, detail: "" },
    ],
  };

  get listenerCount(): number {
    return this.#listeners.size;
  }

  calls(method: CoreMethod): ReceivedCall[] {
    return this.received.filter((c) => c.method === method);
  }

  emit(payload: AgentEventPayload): AgentEvent {
    const event = { sequence: ++this.#sequence, at: T0, ...payload } as AgentEvent;
    for (const listener of [...this.#listeners]) listener(event);
    return event;
  }

  setHealth(health: HealthReport): void {
    this.#health = health;
    this.emit({ kind: "health_changed", health });
  }

  /** Lets every deferred call finish. */
  releaseDeferred(): void {
    for (const release of this.#release.splice(0)) release();
  }

  health(): HealthReport {
    return this.#health;
  }

  subscribeEvents(listener: (event: AgentEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #enter(method: CoreMethod, ctx: CallContext, ...args: unknown[]): Promise<void> {
    this.received.push({ method, args, ctx });
    const failure = this.failures.get(method);
    if (failure !== undefined) {
      this.failures.delete(method);
      throw failure;
    }
    if (this.blockUntilAborted.has(method)) {
      await new Promise<void>((_, reject) => {
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
      });
    }
    if (this.deferred.has(method)) await new Promise<void>((r) => this.#release.push(r));
  }

  #find(selector: DeviceSelector): DeviceRecord {
    const found = this.devices.find((d) => {
      switch (selector.by) {
        case "pci":
          return d.pciAddress === selector.pciAddress;
        case "interface":
          return d.identity.interfaceName === selector.interfaceName;
        case "mac":
          return d.identity.mac === selector.mac;
        case "eni":
          return d.identity.eniId === selector.eniId;
        default:
          return false;
      }
    });
    if (found === undefined) {
      throw new AgentError("NOT_FOUND", "no such device", { remedy: "list devices" });
    }
    return found;
  }

  async listDevices(request: { fresh: boolean }, ctx: CallContext): Promise<DeviceList> {
    await this.#enter("listDevices", ctx, request);
    return { devices: this.devices, observedAt: T0 };
  }

  async getDevice(selector: DeviceSelector, ctx: CallContext): Promise<DeviceRecord> {
    await this.#enter("getDevice", ctx, selector);
    return this.#find(selector);
  }

  async bindDevice(request: BindRequest, ctx: CallContext): Promise<OperationRecord> {
    await this.#enter("bindDevice", ctx, request);
    const target = this.#find(request.selector);
    const op = operation(`op-${this.operations.length + 1}`, {
      pciAddress: target.pciAddress,
      fromDriver: target.driver,
      toDriver: request.driver,
      dryRun: request.dryRun,
      force: request.force,
      // What the real engine reports for a forced move of the management interface.
      overriddenGuards: request.force ? ["default-route"] : [],
      persist: request.persist,
      status: request.dryRun ? "planned" : "succeeded",
      requestedBy: ctx.caller.identity,
    });
    this.operations.unshift(op);
    return op;
  }

  async restoreDevice(request: RestoreRequest, ctx: CallContext): Promise<OperationRecord> {
    await this.#enter("restoreDevice", ctx, request);
    const target = this.#find(request.selector);
    const op = operation(`op-${this.operations.length + 1}`, {
      kind: "restore",
      pciAddress: target.pciAddress,
      fromDriver: target.driver,
      toDriver: "ena" as DriverName,
      requestedBy: ctx.caller.identity,
    });
    this.operations.unshift(op);
    return op;
  }

  async confirmOperation(operationId: string, ctx: CallContext): Promise<OperationRecord> {
    await this.#enter("confirmOperation", ctx, operationId);
    const op = this.operations.find((o) => o.id === operationId);
    if (op === undefined) throw new AgentError("NOT_FOUND", `no operation ${operationId}`);
    if (op.confirmation === null) {
      throw new AgentError(
        "FAILED_PRECONDITION",
        `operation ${operationId} awaits no confirmation`,
      );
    }
    op.confirmation = { ...op.confirmation, state: "confirmed", by: "request", updatedAt: T0 };
    op.status = "succeeded";
    return op;
  }

  async getOperation(operationId: string, ctx: CallContext): Promise<OperationRecord> {
    await this.#enter("getOperation", ctx, operationId);
    const op = this.operations.find((o) => o.id === operationId);
    if (op === undefined) throw new AgentError("NOT_FOUND", `no operation ${operationId}`);
    return op;
  }

  async listOperations(query: OperationQuery, ctx: CallContext): Promise<OperationPage> {
    await this.#enter("listOperations", ctx, query);
    const all = this.operations.filter(
      (o) => query.pciAddress === null || o.pciAddress === query.pciAddress,
    );
    const start = query.pageToken === null ? 0 : Number(query.pageToken.replace("p", ""));
    if (!Number.isInteger(start)) throw new AgentError("INVALID_ARGUMENT", "bad page token");
    const end = start + query.pageSize;
    return {
      operations: all.slice(start, end),
      journalNotes: this.journalNotes,
      nextPageToken: end < all.length ? `p${end}` : null,
    };
  }

  async getHostReport(ctx: CallContext): Promise<HostReport> {
    await this.#enter("getHostReport", ctx);
    return hostReport(this.#health);
  }

  async prepareTermination(
    request: { dryRun: boolean },
    ctx: CallContext,
  ): Promise<TerminationResult> {
    await this.#enter("prepareTermination", ctx, request);
    const plan = {
      notice: {
        source: "manual" as const,
        action: "terminate",
        deadline: null,
        noticeId: "manual-1",
      },
      deadline: null,
      steps: [
        {
          eniId: "eni-0f95d3625f5c52106" as EniId,
          pciAddress: "0000:00:06.0" as PciAddress,
          action: "restore_kernel_driver" as const,
          reason: "bound to vfio-pci",
          status: request.dryRun ? ("pending" as const) : ("done" as const),
        },
      ],
    };
    return {
      plan,
      operation: request.dryRun
        ? null
        : operation("op-term", { kind: "termination", pciAddress: null, toDriver: null }),
    };
  }
}
