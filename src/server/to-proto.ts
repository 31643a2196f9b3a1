/**
 * Domain records → wire messages. Absent values are left out: an `optional`
 * field is then absent on the wire, any other field reads as its proto
 * default (""), and an unknown index is sent as -1 as the API documents
 * (docs/api.md, "Absent values and field presence"). A device also comes
 * back here (deviceFromProto), for clients: both directions of a device
 * field are in this one file.
 */

import type { EniStatus } from "../intents/index.js";
import type {
  AgentEvent,
  DeviceIdentity,
  DeviceList,
  DeviceRecord,
  HealthReport,
  OperationError,
  OperationRecord,
  TerminationNotice,
  TerminationPlan,
} from "./core-types.js";
import type { Device, Device__Output } from "./generated/eniagent/v1/Device.js";
import type {
  DeviceIdentity__Output,
  DeviceIdentity as DeviceIdentityProto,
} from "./generated/eniagent/v1/DeviceIdentity.js";
import type { EniStatus as EniStatusProto } from "./generated/eniagent/v1/EniStatus.js";
import type { ErrorDetail } from "./generated/eniagent/v1/ErrorDetail.js";
import type { Event } from "./generated/eniagent/v1/Event.js";
import type { Health } from "./generated/eniagent/v1/Health.js";
import type { HostReport as HostReportProto } from "./generated/eniagent/v1/HostReport.js";
import type { ListDevicesResponse } from "./generated/eniagent/v1/ListDevicesResponse.js";
import type { Operation } from "./generated/eniagent/v1/Operation.js";
import type { TerminationNotice as TerminationNoticeProto } from "./generated/eniagent/v1/TerminationNotice.js";
import type { TerminationPlan as TerminationPlanProto } from "./generated/eniagent/v1/TerminationPlan.js";
import type { Timestamp, Timestamp__Output } from "./generated/google/protobuf/Timestamp.js";
import type { HostReport } from "./host-report.js";
import {
  CHECK_SEVERITY,
  CONFIRMATION_STATE,
  DEVICE_STATE,
  OPERATION_KIND,
  OPERATION_STATUS,
  RELEASE_ACTION,
  STEP_STATUS,
  TERMINATION_ACTION,
  TERMINATION_SOURCE,
  WATCHER_STATE,
} from "./proto-enums.js";

export function timestamp(date: Date | null): Timestamp | null {
  if (date === null) return null;
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

const text = (value: string | null): string | undefined => value ?? undefined;
const index = (value: number | null): number => value ?? -1;

export function identityToProto(identity: DeviceIdentity): DeviceIdentityProto {
  return {
    macAddress: text(identity.mac),
    eniId: text(identity.eniId),
    interfaceName: text(identity.interfaceName),
    mtu: identity.mtu ?? undefined,
    deviceNumber: index(identity.deviceNumber),
    networkCard: index(identity.networkCard),
    recordedTime: timestamp(identity.recordedAt),
  };
}

export function deviceToProto(device: DeviceRecord): Device {
  return {
    pciAddress: device.pciAddress,
    vendorId: device.vendorId,
    deviceId: device.deviceId,
    driver: text(device.driver),
    driverOverride: text(device.driverOverride),
    state: DEVICE_STATE[device.state],
    stateDetail: text(device.stateDetail),
    identity: identityToProto(device.identity),
    numaNode: index(device.numaNode),
    iommuGroup: text(device.iommuGroup),
    management: device.management,
    desiredDriver: text(device.desiredDriver),
    activeOperationId: text(device.activeOperationId),
    holders: device.holders.map((h) => ({ pid: h.pid, command: h.command, node: h.node })),
    devNode: text(device.devNode),
  };
}

export function deviceListToProto(list: DeviceList): ListDevicesResponse {
  return { devices: list.devices.map(deviceToProto), observeTime: timestamp(list.observedAt) };
}

export function errorToProto(error: OperationError): ErrorDetail {
  return {
    code: error.code,
    message: error.message,
    errno: text(error.errno ?? null),
    syscall: text(error.syscall ?? null),
    path: text(error.path ?? null),
    device: text(error.device ?? null),
    guard: text(error.guard ?? null),
    awsCode: text(error.awsCode ?? null),
    remedy: text(error.remedy ?? null),
    operationId: text(error.operationId ?? null),
  };
}

export function operationToProto(op: OperationRecord): Operation {
  return {
    id: op.id,
    kind: OPERATION_KIND[op.kind],
    status: OPERATION_STATUS[op.status],
    pciAddress: text(op.pciAddress),
    fromDriver: text(op.fromDriver),
    toDriver: text(op.toDriver),
    dryRun: op.dryRun,
    force: op.force,
    overriddenGuards: op.overriddenGuards,
    persist: op.persist,
    steps: op.steps.map((s) => ({
      description: s.description,
      path: text(s.path),
      value: text(s.value),
      status: STEP_STATUS[s.status],
    })),
    error: op.error === null ? null : errorToProto(op.error),
    createTime: timestamp(op.createdAt),
    updateTime: timestamp(op.updatedAt),
    finishTime: timestamp(op.finishedAt),
    requestedBy: text(op.requestedBy),
    confirmation:
      op.confirmation === null
        ? null
        : {
            deadlineTime: timestamp(op.confirmation.deadline),
            state: CONFIRMATION_STATE[op.confirmation.state],
            by: text(op.confirmation.by),
            updateTime: timestamp(op.confirmation.updatedAt),
          },
  };
}

export function noticeToProto(notice: TerminationNotice): TerminationNoticeProto {
  return {
    source: TERMINATION_SOURCE[notice.source],
    action: notice.action,
    deadlineTime: timestamp(notice.deadline),
    noticeId: notice.noticeId,
  };
}

export function planToProto(plan: TerminationPlan): TerminationPlanProto {
  return {
    notice: plan.notice === null ? null : noticeToProto(plan.notice),
    deadlineTime: timestamp(plan.deadline),
    steps: plan.steps.map((s) => ({
      eniId: text(s.eniId),
      pciAddress: text(s.pciAddress),
      action: TERMINATION_ACTION[s.action],
      reason: s.reason,
      status: STEP_STATUS[s.status],
    })),
  };
}

export function healthToProto(health: HealthReport): Health {
  return {
    serving: health.serving,
    components: health.components.map((c) => ({ ...c })),
  };
}

export function eventToProto(event: AgentEvent): Event {
  const head = { sequence: String(event.sequence), time: timestamp(event.at) };
  switch (event.kind) {
    case "device_added":
      return { ...head, deviceAdded: { device: deviceToProto(event.device) } };
    case "device_removed":
      return {
        ...head,
        deviceRemoved: {
          pciAddress: event.pciAddress,
          identity: identityToProto(event.identity),
        },
      };
    case "driver_changed":
      return {
        ...head,
        driverChanged: {
          pciAddress: event.pciAddress,
          fromDriver: text(event.fromDriver),
          toDriver: text(event.toDriver),
          operationId: text(event.operationId),
        },
      };
    case "operation_progress":
      return { ...head, operationProgress: { operation: operationToProto(event.operation) } };
    case "operation_result":
      return { ...head, operationResult: { operation: operationToProto(event.operation) } };
    case "drift_found":
      return {
        ...head,
        driftFound: {
          pciAddress: event.pciAddress,
          expectedDriver: event.expectedDriver,
          actualDriver: text(event.actualDriver),
          detail: event.detail,
        },
      };
    case "termination_notice":
      return { ...head, terminationNotice: noticeToProto(event.notice) };
    case "termination_planned":
      return { ...head, terminationPlanned: { plan: planToProto(event.plan) } };
    case "eni_released":
      return {
        ...head,
        eniReleased: {
          eniId: event.eniId,
          pciAddress: text(event.pciAddress),
          action: RELEASE_ACTION[event.action],
        },
      };
    case "health_changed":
      return { ...head, healthChanged: { health: healthToProto(event.health) } };
    case "confirmation_pending":
      return {
        ...head,
        confirmationPending: {
          operationId: event.operationId,
          pciAddress: event.pciAddress,
          deadlineTime: timestamp(event.deadline),
        },
      };
    case "confirmed":
      return {
        ...head,
        confirmed: { operationId: event.operationId, pciAddress: event.pciAddress, by: event.by },
      };
    case "reverted_unconfirmed":
      return {
        ...head,
        revertedUnconfirmed: {
          operationId: event.operationId,
          pciAddress: event.pciAddress,
          deadlineTime: timestamp(event.deadline),
          revertOperationId: event.revertOperationId,
          revertStatus: OPERATION_STATUS[event.revertStatus],
        },
      };
    case "eni_phase_changed":
      return { ...head, eniPhaseChanged: eniStatusToProto(event.status) };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

export function hostReportToProto(report: HostReport): HostReportProto {
  const watcher = report.terminationWatcher;
  return {
    agentVersion: report.agentVersion,
    kernelVersion: report.kernelVersion,
    modules: report.modules.map((m) => ({ ...m, parameters: { ...m.parameters } })),
    noiommu: { ...report.noiommu },
    iommu: { ...report.iommu },
    hugepages: report.hugepages.map((h) => ({
      numaNode: h.numaNode,
      pageSizeKib: String(h.pageSizeKib),
      totalPages: String(h.totalPages),
      freePages: String(h.freePages),
    })),
    writeCombining: { ...report.writeCombining },
    imds: {
      reachable: report.imds.reachable,
      detail: report.imds.detail,
      lastSuccessTime: timestamp(report.imds.lastSuccessAt),
    },
    identity:
      report.identity === null
        ? null
        : {
            instanceId: report.identity.instanceId,
            instanceType: report.identity.instanceType,
            region: report.identity.region,
            availabilityZone: report.identity.availabilityZone,
            primaryMacAddress: report.identity.primaryMac,
          },
    terminationWatcher: {
      state: WATCHER_STATE[watcher.state],
      lastPollTime: timestamp(watcher.lastPollAt),
      lastError: watcher.lastError,
      pendingNotice: watcher.pendingNotice === null ? null : noticeToProto(watcher.pendingNotice),
    },
    journal: { ...report.journal },
    checks: report.checks.map((c) => ({ ...c, severity: CHECK_SEVERITY[c.severity] })),
    health: healthToProto(report.health),
  };
}

/** The controller contract's status of one ENI. */
export function eniStatusToProto(status: EniStatus): EniStatusProto {
  return {
    eniId: status.eniId,
    owner: status.owner,
    phase: `ENI_PHASE_${status.phase}`,
    generation: String(status.generation),
    observedGeneration: String(status.observedGeneration),
    driver: status.driver ?? "",
    pciAddress: status.pciAddress ?? "",
    macAddress: status.mac ?? "",
    detail: status.detail,
    error: status.error === null ? null : errorToProto(status.error.toJSON()),
  };
}

/**
 * A record as a client reads it off the wire: the domain record's shape,
 * with ids as plain strings, times as ISO 8601 strings and absent values as
 * null. The CLI prints it as its JSON, so a device has one shape from the
 * agent's record to the command line.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends string
    ? string
    : T extends readonly (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

/** deviceToProto's inverse, for clients; a state newer than the reader reads "unknown". */
export function deviceFromProto(d: Device__Output): Wire<DeviceRecord> {
  return {
    pciAddress: d.pciAddress,
    vendorId: d.vendorId,
    deviceId: d.deviceId,
    driver: present(d.driver),
    driverOverride: present(d.driverOverride),
    state: enumWord(d.state, "DEVICE_STATE_"),
    stateDetail: present(d.stateDetail),
    identity: identityFromProto(d.identity),
    numaNode: known(d.numaNode),
    iommuGroup: present(d.iommuGroup),
    management: d.management,
    desiredDriver: present(d.desiredDriver),
    activeOperationId: present(d.activeOperationId),
    holders: d.holders.map((h) => ({ pid: h.pid, command: h.command, node: h.node })),
    devNode: present(d.devNode),
  };
}

/** identityToProto's inverse; no identity on the wire reads as an identity of nulls. */
export function identityFromProto(id: DeviceIdentity__Output | null): Wire<DeviceIdentity> {
  return {
    mac: present(id?.macAddress),
    eniId: present(id?.eniId),
    interfaceName: present(id?.interfaceName),
    mtu: id?.mtu ? id.mtu : null,
    deviceNumber: id ? known(id.deviceNumber) : null,
    networkCard: id ? known(id.networkCard) : null,
    recordedAt: isoTime(id?.recordedTime),
  };
}

/** "DEVICE_STATE_KERNEL" → "kernel"; a number (an enum value newer than the reader) → "unknown". */
export function enumWord(value: string | number, prefix: string): string {
  if (typeof value !== "string" || !value.startsWith(prefix)) return "unknown";
  return value.slice(prefix.length).toLowerCase();
}

/** A wire time as ISO 8601; unset (or the epoch, proto's default) → null. */
export function isoTime(ts: Timestamp__Output | null | undefined): string | null {
  if (ts === null || ts === undefined) return null;
  const ms = Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);
  return ms === 0 ? null : new Date(ms).toISOString();
}

/** A wire string: unset or "" → null. */
function present(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

/** A wire index: -1 (unknown) → null. */
function known(value: number): number | null {
  return value < 0 ? null : value;
}
