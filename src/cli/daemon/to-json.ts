/**
 * The JSON the daemon commands print (documented in docs/cli.md). The wire
 * objects are reshaped once, here (a device: by deviceFromProto, next to the
 * mapping that sent it), into a stable form that does not follow
 * the proto loader's conventions: enums as lower-case words ("kernel", not
 * "DEVICE_STATE_KERNEL"), times as ISO 8601 strings, "unset" as null instead
 * of "" or -1, 64-bit counters as numbers. Field names are the API's, in
 * lowerCamel. Fields are only ever added.
 */
import type { OperationRecord } from "../../server/core-types.js";
import type { Device__Output as Device } from "../../server/generated/eniagent/v1/Device.js";
import type { ErrorDetail__Output as ErrorDetail } from "../../server/generated/eniagent/v1/ErrorDetail.js";
import type { Event__Output as Event } from "../../server/generated/eniagent/v1/Event.js";
import type { HostReport__Output as HostReport } from "../../server/generated/eniagent/v1/HostReport.js";
import type { Operation__Output as Operation } from "../../server/generated/eniagent/v1/Operation.js";
import type { TerminationNotice__Output as Notice } from "../../server/generated/eniagent/v1/TerminationNotice.js";
import type { TerminationPlan__Output as Plan } from "../../server/generated/eniagent/v1/TerminationPlan.js";
import {
  deviceFromProto,
  enumWord,
  identityFromProto,
  isoTime,
  operationToProto,
} from "../../server/to-proto.js";

/** Version of the documented shapes; bumped only if a field changes meaning. */
export const JSON_SCHEMA_VERSION = 1;

function text(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

export type DeviceJson = ReturnType<typeof deviceJson>;

/** The device as the agent's record has it; devNode is left to `get`, which prints it beside. */
export function deviceJson(d: Device) {
  const { devNode: _devNode, ...device } = deviceFromProto(d);
  return device;
}

export type ErrorJson = ReturnType<typeof errorJson>;

/** The error as AgentError's JSON form: code, message, then only the detail fields that are set. */
export function errorJson(e: ErrorDetail) {
  const out: Record<string, string> = { code: e.code, message: e.message };
  // Every ErrorDetail field is text; "" means unset.
  for (const [key, value] of Object.entries(e)) {
    if (typeof value === "string" && value !== "") out[key] = value;
  }
  return out as { code: string; message: string } & Partial<Record<string, string>>;
}

export type OperationJson = ReturnType<typeof operationJson>;

export function operationJson(o: Operation) {
  const createdAt = isoTime(o.createTime);
  const finishedAt = isoTime(o.finishTime);
  return {
    id: o.id,
    kind: enumWord(o.kind, "OPERATION_KIND_"),
    status: enumWord(o.status, "OPERATION_STATUS_"),
    pciAddress: text(o.pciAddress),
    fromDriver: text(o.fromDriver),
    toDriver: text(o.toDriver),
    dryRun: o.dryRun,
    force: o.force,
    overriddenGuards: o.overriddenGuards,
    persist: o.persist,
    steps: o.steps.map((s) => ({
      description: s.description,
      path: text(s.path),
      value: text(s.value),
      status: enumWord(s.status, "STEP_STATUS_"),
    })),
    error: o.error === null ? null : errorJson(o.error),
    createdAt,
    updatedAt: isoTime(o.updateTime),
    finishedAt,
    durationMs:
      createdAt === null || finishedAt === null
        ? null
        : Date.parse(finishedAt) - Date.parse(createdAt),
    requestedBy: text(o.requestedBy),
    confirmation:
      o.confirmation === null
        ? null
        : {
            deadline: isoTime(o.confirmation.deadlineTime),
            state: enumWord(o.confirmation.state, "CONFIRMATION_STATE_"),
            by: text(o.confirmation.by),
            updatedAt: isoTime(o.confirmation.updateTime),
          },
  };
}

/**
 * The OPERATION of a record this process made itself (the offline
 * commands): mapped to the message a daemon would send, then as one, so an
 * offline document has the daemon's shape by construction. The message
 * operationToProto builds has every field set, in the loader's output form
 * (enum names, 64-bit seconds as decimal strings).
 */
export function recordJson(record: OperationRecord): OperationJson {
  return operationJson(operationToProto(record) as Operation);
}

export function noticeJson(n: Notice | null) {
  if (n === null) return null;
  return {
    source: enumWord(n.source, "TERMINATION_SOURCE_"),
    action: n.action,
    deadline: isoTime(n.deadlineTime),
    noticeId: n.noticeId,
  };
}

export type PlanJson = ReturnType<typeof planJson>;

export function planJson(p: Plan | null) {
  return {
    notice: noticeJson(p?.notice ?? null),
    deadline: isoTime(p?.deadlineTime),
    steps: (p?.steps ?? []).map((s) => ({
      eniId: text(s.eniId),
      pciAddress: text(s.pciAddress),
      action: enumWord(s.action, "TERMINATION_ACTION_"),
      reason: s.reason,
      status: enumWord(s.status, "STEP_STATUS_"),
    })),
  };
}

function healthJson(h: HostReport["health"]) {
  return {
    serving: h?.serving ?? false,
    components: (h?.components ?? []).map((c) => ({
      name: c.name,
      healthy: c.healthy,
      detail: text(c.detail),
    })),
  };
}

export type EventJson = ReturnType<typeof eventJson>;

/** One event: sequence, time, kind, and the payload's fields next to them. */
export function eventJson(e: Event) {
  const head = { sequence: Number(e.sequence), time: isoTime(e.time) };
  switch (e.payload) {
    case "deviceAdded":
      return {
        ...head,
        kind: "device_added" as const,
        device: e.deviceAdded?.device ? deviceJson(e.deviceAdded.device) : null,
      };
    case "deviceRemoved":
      return {
        ...head,
        kind: "device_removed" as const,
        pciAddress: e.deviceRemoved?.pciAddress ?? null,
        identity: identityFromProto(e.deviceRemoved?.identity ?? null),
      };
    case "driverChanged":
      return {
        ...head,
        kind: "driver_changed" as const,
        pciAddress: e.driverChanged?.pciAddress ?? null,
        fromDriver: text(e.driverChanged?.fromDriver),
        toDriver: text(e.driverChanged?.toDriver),
        operationId: text(e.driverChanged?.operationId),
      };
    case "operationProgress":
    case "operationResult": {
      const op = e.operationProgress?.operation ?? e.operationResult?.operation ?? null;
      return {
        ...head,
        kind:
          e.payload === "operationProgress"
            ? ("operation_progress" as const)
            : ("operation_result" as const),
        operation: op === null ? null : operationJson(op),
      };
    }
    case "driftFound":
      return {
        ...head,
        kind: "drift_found" as const,
        pciAddress: e.driftFound?.pciAddress ?? null,
        expectedDriver: text(e.driftFound?.expectedDriver),
        actualDriver: text(e.driftFound?.actualDriver),
        detail: text(e.driftFound?.detail),
      };
    case "terminationNotice":
      return {
        ...head,
        kind: "termination_notice" as const,
        notice: noticeJson(e.terminationNotice ?? null),
      };
    case "terminationPlanned":
      return {
        ...head,
        kind: "termination_planned" as const,
        plan: planJson(e.terminationPlanned?.plan ?? null),
      };
    case "eniReleased":
      return {
        ...head,
        kind: "eni_released" as const,
        eniId: e.eniReleased?.eniId ?? null,
        pciAddress: text(e.eniReleased?.pciAddress),
        action: enumWord(e.eniReleased?.action ?? 0, "RELEASE_ACTION_"),
      };
    case "healthChanged":
      return {
        ...head,
        kind: "health_changed" as const,
        health: healthJson(e.healthChanged?.health ?? null),
      };
    case "confirmationPending":
      return {
        ...head,
        kind: "confirmation_pending" as const,
        operationId: e.confirmationPending?.operationId ?? "",
        pciAddress: text(e.confirmationPending?.pciAddress),
        deadline: isoTime(e.confirmationPending?.deadlineTime),
      };
    case "confirmed":
      return {
        ...head,
        kind: "confirmed" as const,
        operationId: e.confirmed?.operationId ?? "",
        pciAddress: text(e.confirmed?.pciAddress),
        by: text(e.confirmed?.by),
      };
    case "revertedUnconfirmed":
      return {
        ...head,
        kind: "reverted_unconfirmed" as const,
        operationId: e.revertedUnconfirmed?.operationId ?? "",
        pciAddress: text(e.revertedUnconfirmed?.pciAddress),
        deadline: isoTime(e.revertedUnconfirmed?.deadlineTime),
        revertOperationId: text(e.revertedUnconfirmed?.revertOperationId),
        revertStatus: enumWord(e.revertedUnconfirmed?.revertStatus ?? 0, "OPERATION_STATUS_"),
      };
    case "eniPhaseChanged": {
      const st = e.eniPhaseChanged;
      return {
        ...head,
        kind: "eni_phase_changed" as const,
        eniId: st?.eniId ?? null,
        owner: text(st?.owner),
        phase: enumWord(st?.phase ?? 0, "ENI_PHASE_"),
        generation: Number(st?.generation ?? 0),
        observedGeneration: Number(st?.observedGeneration ?? 0),
        pciAddress: text(st?.pciAddress),
        detail: text(st?.detail),
      };
    }
    default:
      return { ...head, kind: "unknown" as const };
  }
}

export type HostReportJson = ReturnType<typeof hostReportJson>;

export function hostReportJson(r: HostReport) {
  return {
    kernelVersion: r.kernelVersion,
    modules: r.modules.map((m) => ({
      name: m.name,
      loaded: m.loaded,
      builtin: m.builtin,
      parameters: { ...m.parameters },
    })),
    noiommu: { available: r.noiommu?.available ?? false, enabled: r.noiommu?.enabled ?? false },
    iommu: { present: r.iommu?.present ?? false, groupCount: r.iommu?.groupCount ?? 0 },
    hugepages: r.hugepages.map((h) => ({
      numaNode: h.numaNode,
      pageSizeKib: Number(h.pageSizeKib),
      totalPages: Number(h.totalPages),
      freePages: Number(h.freePages),
    })),
    writeCombining: {
      affected: r.writeCombining?.affected ?? false,
      detail: text(r.writeCombining?.detail),
    },
    imds: {
      reachable: r.imds?.reachable ?? false,
      detail: text(r.imds?.detail),
      lastSuccessAt: isoTime(r.imds?.lastSuccessTime),
    },
    identity:
      r.identity === null
        ? null
        : {
            instanceId: r.identity.instanceId,
            instanceType: r.identity.instanceType,
            region: r.identity.region,
            availabilityZone: r.identity.availabilityZone,
            primaryMac: text(r.identity.primaryMacAddress),
          },
    terminationWatcher: {
      state: enumWord(r.terminationWatcher?.state ?? 0, "WATCHER_STATE_"),
      lastPollAt: isoTime(r.terminationWatcher?.lastPollTime),
      lastError: text(r.terminationWatcher?.lastError),
      pendingNotice: noticeJson(r.terminationWatcher?.pendingNotice ?? null),
    },
    journal: {
      healthy: r.journal?.healthy ?? false,
      directory: r.journal?.directory ?? "",
      unresolvedEntries: r.journal?.unresolvedEntries ?? 0,
      detail: text(r.journal?.detail),
    },
    checks: r.checks.map((c) => ({
      name: c.name,
      severity: enumWord(c.severity, "CHECK_SEVERITY_"),
      message: c.message,
      remedy: text(c.remedy),
    })),
    health: healthJson(r.health),
  };
}
