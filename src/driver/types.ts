/**
 * The data the driver engine plans with, journals and reports. Plain JSON
 * values only: every type here is written to the journal as it is.
 */
import type { DriverName, InterfaceName, Mac, PciAddress } from "../common/index.js";
import type { IommuGroup, NetInterface } from "../sysfs/index.js";

/**
 * What the engine observes of a device at one moment: the facts that decide
 * whether a transaction reached its target (from the sysfs device record).
 * `override` is null when the kernel reads "(null)". Journaled as it is, so
 * it is a stable subset rather than the whole record.
 */
export interface DeviceState {
  address: PciAddress;
  driver: DriverName | null;
  override: string | null;
  interfaces: NetInterface[];
  iommuGroup: IommuGroup | null;
  /** The node user space opens while a DPDK driver holds the device: /dev/vfio/N, /dev/uioN. */
  devNode: string | null;
}

/**
 * A device before the engine changed anything, stored with the operation:
 * the MAC and interface vanish once the device leaves its kernel driver.
 */
export interface DeviceSnapshot {
  address: PciAddress;
  /** Lower-case hex without 0x, e.g. "1d0f". */
  vendor: string;
  device: string;
  driver: DriverName | null;
  driverOverride: string | null;
  interface: InterfaceName | null;
  mac: Mac | null;
  mtu: number | null;
  operstate: string | null;
  /** null when the kernel has no NUMA affinity for it (-1). */
  numaNode: number | null;
  iommuGroup: IommuGroup | null;
  /** ISO-8601 time of the observation. */
  takenAt: string;
}

/** The binding a transaction moves a device to: its driver and its driver_override. */
export interface BindingTarget {
  /** null: the device ends unbound. */
  driver: DriverName | null;
  /** null: driver_override ends cleared ("(null)"). */
  override: string | null;
  /**
   * When set, a netdev with this MAC must be registered for the target to
   * count as reached (a kernel netdev driver gives the interface back, under
   * whatever name the kernel hands out).
   */
  mac: Mac | null;
}

/** One sysfs write of a plan. The executor turns it into a path and a payload. */
export type Step =
  /** `value` is a driver name, or a snapshot's override read back from the kernel. */
  | { kind: "set-override"; value: string }
  | { kind: "clear-override" }
  | { kind: "unbind"; driver: DriverName }
  | { kind: "bind"; driver: DriverName };

/** A pure transition: what to write, in order, to go from `from` to `to`. */
export interface Plan {
  device: PciAddress;
  steps: Step[];
  target: BindingTarget;
  /** The steps that would take the device from `to` back to `from`, for display and review. */
  inverse: Step[];
}

/** "drift": clearing a driver_override no journal entry explains. */
export type OperationKind = "bind" | "restore" | "repair" | "drift";

/**
 * Who asked for an operation and what else they asked for, journaled in its
 * begin record so the operation carries them itself (nothing joins them up
 * later by device or by order).
 */
export interface OperationRequest {
  /** The caller identity ("unix:…", "CN=…"); null when the agent started it itself. */
  requestedBy: string | null;
  /** The binding was also stored as desired (bind) or forgotten (restore). */
  persist: boolean;
  /** A bind the agent made to re-apply a desired binding (start-up, hot-attach). */
  reapply: boolean;
}

/** The journaled header of an operation: everything recovery needs without sysfs. */
export interface OperationHeader {
  id: string;
  kind: OperationKind;
  device: PciAddress;
  /** The driver requested (bind) or restored to (restore/repair). */
  driver: DriverName | null;
  target: BindingTarget;
  /** The state before this operation: rollback returns here. */
  snapshot: DeviceSnapshot;
  /**
   * The device as its kernel driver last had it (interface, MAC, MTU): the
   * snapshot of the operation that took it from the kernel, carried forward.
   */
  home: DeviceSnapshot | null;
  steps: Step[];
  force: boolean;
  /**
   * The guards that refused and were overridden by force, by name. Absent
   * when none was, and in records of agents that did not journal them.
   */
  overriddenGuards?: string[];
  startedAt: string;
  /** Absent in records of agents that did not journal it: read by `requestOf` as the agent's own. */
  request?: OperationRequest;
  /**
   * A bind on trial: once committed it awaits confirmation for this long
   * and is reverted when none comes. Absent for an ordinary operation.
   */
  confirmWithinMs?: number;
  /** The operation whose unconfirmed bind this restore reverts. */
  reverts?: string;
}

/**
 * Terminal outcomes. "stuck" is not one: a stuck operation is still open.
 * "superseded": it was left open (its end record lost) and a later operation
 * began on its device; it is never resolved.
 */
export type OperationOutcome = "committed" | "rolled_back" | "rollback_failed" | "superseded";

export type OperationStatus = "running" | "stuck" | OperationOutcome;

/** The error summary kept in the journal (AgentError without its stack). */
export interface ErrorSummary {
  code: string;
  message: string;
  errno?: string;
  path?: string;
  remedy?: string;
}

/**
 * Where the wait of a committed bind on trial stands. "pending": not yet
 * confirmed; "confirmed": final; "reverted": its deadline passed and
 * operation `by` restored the device; "ended": operation `by` began on the
 * device before either (the device is wherever that one left it).
 */
export type ConfirmationState = "pending" | "confirmed" | "reverted" | "ended";

/** Who confirmed: a ConfirmOperation request, or the configured auto-confirm probe. */
export type ConfirmedBy = "request" | "probe";

export interface Confirmation {
  /** ISO-8601 wall time by which it must be confirmed. */
  deadline: string;
  state: ConfirmationState;
  /** When the state last changed; null while pending. */
  at: string | null;
  /** confirmed: "request" or "probe"; reverted, ended: the operation that ended the wait. */
  by: string | null;
}

/** An operation as the journal folds it: header plus its latest status. */
export interface OperationView {
  header: OperationHeader;
  status: OperationStatus;
  endedAt: string | null;
  /** What the engine last observed (set on every end and stuck record). */
  observed: DeviceState | null;
  error: ErrorSummary | null;
  /** Set once a bind on trial committed; null for every other operation. */
  confirmation: Confirmation | null;
}

/** A successful operation. Failures throw AgentError with `operationId` set. */
export interface OperationResult {
  /** null for a no-op (the device already was there: nothing journaled). */
  operationId: string | null;
  /** The journaled operation as it ended (the one joined, when `joined`); null for a no-op. */
  operation: OperationView | null;
  device: PciAddress;
  status: "committed" | "noop";
  /** True when this request joined an identical one already running. */
  joined: boolean;
  state: DeviceState;
  /** Guards that refused and were overridden by force. */
  overriddenGuards: string[];
  /** Things that went wrong around a successful move, e.g. a binding that could not be persisted. */
  warnings: string[];
  /** A bind on trial: the ISO time by which it must be confirmed, else it is reverted. */
  confirmBy: string | null;
}

/** Health of a device as the engine reports it. */
export type DeviceHealth = "ok" | "degraded" | "stuck";

/** Progress events an operation emits, in order, for CLI lines and the API stream. */
export type ProgressEvent =
  | { type: "begin"; operationId: string; device: PciAddress; kind: OperationKind; steps: Step[] }
  | { type: "step"; operationId: string; index: number; step: Step; path: string }
  | { type: "step-done"; operationId: string; index: number; step: Step; elapsedMs: number }
  | { type: "verify"; operationId: string; target: BindingTarget }
  | { type: "rollback"; operationId: string; reason: ErrorSummary; steps: Step[] }
  | { type: "end"; operationId: string; status: OperationStatus; error: ErrorSummary | null }
  /** The wait of a bind on trial began ("pending") or ended; `by` as in Confirmation. */
  | {
      type: "confirmation";
      operationId: string;
      device: PciAddress;
      state: ConfirmationState;
      deadline: string;
      by: string | null;
      /** "reverted": how the revert ended (committed: the device is home, verified). */
      revertOutcome: OperationOutcome | null;
    };
