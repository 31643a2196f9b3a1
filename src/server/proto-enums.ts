/**
 * Domain union ↔ proto enum name tables. Each is a Record over the domain
 * union, so adding a state or kind without its wire name fails to compile.
 */
import type {
  AgentEventKind,
  ConfirmationState,
  DeviceStateName,
  OperationKind,
  OperationStatus,
  ReleaseAction,
  StepStatus,
  TerminationAction,
  TerminationSource,
} from "./core-types.js";
import type { CheckSeverity, WatcherState } from "./host-report.js";

export const DEVICE_STATE = {
  kernel: "DEVICE_STATE_KERNEL",
  dpdk: "DEVICE_STATE_DPDK",
  unbound: "DEVICE_STATE_UNBOUND",
  transitioning: "DEVICE_STATE_TRANSITIONING",
  degraded: "DEVICE_STATE_DEGRADED",
  stuck: "DEVICE_STATE_STUCK",
  foreign: "DEVICE_STATE_FOREIGN",
} as const satisfies Record<DeviceStateName, string>;

export const OPERATION_KIND = {
  bind: "OPERATION_KIND_BIND",
  restore: "OPERATION_KIND_RESTORE",
  repair: "OPERATION_KIND_REPAIR",
  termination: "OPERATION_KIND_TERMINATION",
  reapply: "OPERATION_KIND_REAPPLY",
} as const satisfies Record<OperationKind, string>;

export const OPERATION_STATUS = {
  pending: "OPERATION_STATUS_PENDING",
  running: "OPERATION_STATUS_RUNNING",
  stuck: "OPERATION_STATUS_STUCK",
  succeeded: "OPERATION_STATUS_SUCCEEDED",
  rolled_back: "OPERATION_STATUS_ROLLED_BACK",
  failed: "OPERATION_STATUS_FAILED",
  degraded: "OPERATION_STATUS_DEGRADED",
  planned: "OPERATION_STATUS_PLANNED",
  superseded: "OPERATION_STATUS_SUPERSEDED",
  awaiting_confirmation: "OPERATION_STATUS_AWAITING_CONFIRMATION",
  reverted: "OPERATION_STATUS_REVERTED",
} as const satisfies Record<OperationStatus, string>;

export const CONFIRMATION_STATE = {
  pending: "CONFIRMATION_STATE_PENDING",
  confirmed: "CONFIRMATION_STATE_CONFIRMED",
  reverted: "CONFIRMATION_STATE_REVERTED",
  ended: "CONFIRMATION_STATE_ENDED",
} as const satisfies Record<ConfirmationState, string>;

export const STEP_STATUS = {
  pending: "STEP_STATUS_PENDING",
  running: "STEP_STATUS_RUNNING",
  done: "STEP_STATUS_DONE",
  failed: "STEP_STATUS_FAILED",
  undone: "STEP_STATUS_UNDONE",
  skipped: "STEP_STATUS_SKIPPED",
} as const satisfies Record<StepStatus, string>;

export const EVENT_KIND = {
  device_added: "EVENT_KIND_DEVICE_ADDED",
  device_removed: "EVENT_KIND_DEVICE_REMOVED",
  driver_changed: "EVENT_KIND_DRIVER_CHANGED",
  operation_progress: "EVENT_KIND_OPERATION_PROGRESS",
  operation_result: "EVENT_KIND_OPERATION_RESULT",
  drift_found: "EVENT_KIND_DRIFT_FOUND",
  termination_notice: "EVENT_KIND_TERMINATION_NOTICE",
  termination_planned: "EVENT_KIND_TERMINATION_PLANNED",
  eni_released: "EVENT_KIND_ENI_RELEASED",
  health_changed: "EVENT_KIND_HEALTH_CHANGED",
  confirmation_pending: "EVENT_KIND_CONFIRMATION_PENDING",
  confirmed: "EVENT_KIND_CONFIRMED",
  reverted_unconfirmed: "EVENT_KIND_REVERTED_UNCONFIRMED",
  eni_phase_changed: "EVENT_KIND_ENI_PHASE_CHANGED",
} as const satisfies Record<AgentEventKind, string>;

export const TERMINATION_SOURCE = {
  spot_interruption: "TERMINATION_SOURCE_SPOT_INTERRUPTION",
  rebalance_recommendation: "TERMINATION_SOURCE_REBALANCE_RECOMMENDATION",
  scheduled_event: "TERMINATION_SOURCE_SCHEDULED_EVENT",
  autoscaling: "TERMINATION_SOURCE_AUTOSCALING",
  manual: "TERMINATION_SOURCE_MANUAL",
} as const satisfies Record<TerminationSource, string>;

export const TERMINATION_ACTION = {
  restore_kernel_driver: "TERMINATION_ACTION_RESTORE_KERNEL_DRIVER",
  detach: "TERMINATION_ACTION_DETACH",
  delete: "TERMINATION_ACTION_DELETE",
  set_delete_on_termination: "TERMINATION_ACTION_SET_DELETE_ON_TERMINATION",
  skip: "TERMINATION_ACTION_SKIP",
} as const satisfies Record<TerminationAction, string>;

export const RELEASE_ACTION = {
  detached: "RELEASE_ACTION_DETACHED",
  deleted: "RELEASE_ACTION_DELETED",
  delete_on_termination_set: "RELEASE_ACTION_DELETE_ON_TERMINATION_SET",
} as const satisfies Record<ReleaseAction, string>;

export const WATCHER_STATE = {
  running: "WATCHER_STATE_RUNNING",
  disabled: "WATCHER_STATE_DISABLED",
  failing: "WATCHER_STATE_FAILING",
  triggered: "WATCHER_STATE_TRIGGERED",
} as const satisfies Record<WatcherState, string>;

export const CHECK_SEVERITY = {
  ok: "CHECK_SEVERITY_OK",
  warn: "CHECK_SEVERITY_WARN",
  fail: "CHECK_SEVERITY_FAIL",
} as const satisfies Record<CheckSeverity, string>;

/** Reverse lookup: proto enum name → domain value, or undefined. */
export function fromProtoName<D extends string, P extends string>(
  table: Record<D, P>,
  name: unknown,
): D | undefined {
  for (const [domain, proto] of Object.entries(table) as [D, P][]) {
    if (proto === name) return domain;
  }
  return undefined;
}
