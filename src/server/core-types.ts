/**
 * The domain records the gRPC edge exchanges with the agent core. They mirror
 * what the driver engine, the inventory and the AWS watcher report, in
 * TypeScript terms (unions, null, Date); `to-proto.ts` maps them to the wire.
 * Ids are branded: a value here has passed its strict parser.
 */
import type {
  DriverName,
  EniId,
  ErrorCode,
  ErrorDetails,
  InterfaceName,
  Mac,
  PciAddress,
} from "../common/index.js";
import type { EniStatus } from "../intents/index.js";
import type { DeviceHolder } from "../sysfs/sysfs.js";

export type { DeviceHolder };

/** Names one device; the edge has parsed the value with the strict parser of its kind. */
export type DeviceSelector =
  | { by: "pci"; pciAddress: PciAddress }
  | { by: "interface"; interfaceName: InterfaceName }
  | { by: "mac"; mac: Mac }
  | { by: "eni"; eniId: EniId };

/**
 * Where a device stands. "degraded": neither target nor snapshot verified,
 * under repair; "stuck": a write blocks in the kernel; "foreign": bound to a
 * driver the agent does not manage.
 */
export type DeviceStateName =
  | "kernel"
  | "dpdk"
  | "unbound"
  | "transitioning"
  | "degraded"
  | "stuck"
  | "foreign";

/** The ENI behind a PCI slot, recorded while the kernel still owned it. */
export interface DeviceIdentity {
  mac: Mac | null;
  eniId: EniId | null;
  interfaceName: InterfaceName | null;
  mtu: number | null;
  /** Attachment device index (per network card); null when unknown. */
  deviceNumber: number | null;
  networkCard: number | null;
  recordedAt: Date | null;
}

/** The managed devices, and when sysfs was read for them. */
export interface DeviceList {
  /** Ordered by PCI address. */
  devices: readonly DeviceRecord[];
  /** The start of the scan the records come from. */
  observedAt: Date;
}

export interface DeviceRecord {
  pciAddress: PciAddress;
  /** 4 lower-case hex digits, e.g. "1d0f". */
  vendorId: string;
  /** 4 lower-case hex digits, e.g. "ec20". */
  deviceId: string;
  driver: DriverName | null;
  driverOverride: string | null;
  state: DeviceStateName;
  /** Why the device is degraded, stuck or foreign; null otherwise. */
  stateDetail: string | null;
  identity: DeviceIdentity;
  /** null when the kernel reports no NUMA affinity (-1). */
  numaNode: number | null;
  /** IOMMU group number as text ("12"); null when none. */
  iommuGroup: string | null;
  /** Default route or device number 0: moved only with force. */
  management: boolean;
  /** The persisted desired driver; null when none. */
  desiredDriver: DriverName | null;
  activeOperationId: string | null;
  holders: DeviceHolder[];
  /** /dev/vfio/N, /dev/vfio/noiommu-N or /dev/uioN under a DPDK driver; null otherwise. */
  devNode: string | null;
}

export type OperationKind = "bind" | "restore" | "repair" | "termination" | "reapply";

/**
 * "succeeded": target verified; "rolled_back": snapshot verified after a
 * failure; "failed": failed before changing anything; "degraded": neither
 * verified; "stuck": a write outlived its deadline, still open; "planned": a
 * dry run; "superseded": found open at start-up after a later operation on
 * its device, closed without being resolved; "awaiting_confirmation": a bind
 * on trial at its target, verified, not confirmed yet; "reverted": a bind
 * on trial its deadline passed unconfirmed (the restore is another operation).
 */
export type OperationStatus =
  | "pending"
  | "running"
  | "stuck"
  | "succeeded"
  | "rolled_back"
  | "failed"
  | "degraded"
  | "planned"
  | "superseded"
  | "awaiting_confirmation"
  | "reverted";

export type ConfirmationState = "pending" | "confirmed" | "reverted" | "ended";

/** The wait of a bind on trial (see the driver's Confirmation). */
export interface OperationConfirmation {
  deadline: Date;
  state: ConfirmationState;
  /** "request" or "probe" once confirmed; the operation that ended the wait otherwise; null while pending. */
  by: string | null;
  updatedAt: Date | null;
}

export type StepStatus = "pending" | "running" | "done" | "failed" | "undone" | "skipped";

export interface OperationStep {
  /** For people, e.g. "unbind from ena". */
  description: string;
  /** The sysfs attribute written, relative to the sysfs root; null when nothing is written. */
  path: string | null;
  value: string | null;
  status: StepStatus;
}

/** An error as kept with an operation: AgentError's JSON form. */
export type OperationError = { code: ErrorCode; message: string } & ErrorDetails;

export interface OperationRecord {
  id: string;
  kind: OperationKind;
  status: OperationStatus;
  /** null for a termination operation. */
  pciAddress: PciAddress | null;
  fromDriver: DriverName | null;
  toDriver: DriverName | null;
  dryRun: boolean;
  force: boolean;
  /** The guards that refused and were overridden by force, by name (guards.ts). */
  overriddenGuards: string[];
  persist: boolean;
  steps: OperationStep[];
  /** Why it did not succeed; null while running or after success. */
  error: OperationError | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** The caller identity that asked (see Caller.identity); null for the agent itself. */
  requestedBy: string | null;
  /** A bind on trial once committed; null otherwise. */
  confirmation: OperationConfirmation | null;
}

export interface BindRequest {
  selector: DeviceSelector;
  /** Allowed by the edge's driver allowlist. */
  driver: DriverName;
  force: boolean;
  dryRun: boolean;
  persist: boolean;
  /** A bind on trial: awaits ConfirmOperation this long (1 s to 24 h); null for an ordinary bind. */
  confirmWithinMs: number | null;
}

export interface RestoreRequest {
  selector: DeviceSelector;
  force: boolean;
  dryRun: boolean;
  /** Also forget the persisted desired binding. */
  persist: boolean;
}

export interface OperationQuery {
  /** Only this device; null for all. */
  pciAddress: PciAddress | null;
  /** 1..500 (the edge applies the default of 50). */
  pageSize: number;
  /** Opaque token from a previous page (base64url-ish, ≤ 512 chars); null for the first. */
  pageToken: string | null;
}

export interface OperationPage {
  /** Newest first. */
  operations: OperationRecord[];
  nextPageToken: string | null;
  /** What is wrong with the journal, one sentence each; empty when nothing is. */
  journalNotes: string[];
}

export type TerminationSource =
  | "spot_interruption"
  | "rebalance_recommendation"
  | "scheduled_event"
  | "autoscaling"
  | "manual";

export interface TerminationNotice {
  source: TerminationSource;
  /** As metadata names it: "terminate", "stop", "instance-retirement", "Terminated", ... */
  action: string;
  deadline: Date | null;
  /** Content-derived id, stable across polls. */
  noticeId: string;
}

export type TerminationAction =
  | "restore_kernel_driver"
  | "detach"
  | "delete"
  | "set_delete_on_termination"
  | "skip";

export interface TerminationStep {
  /** null when the device's ENI is not known (its identity was never recorded). */
  eniId: EniId | null;
  pciAddress: PciAddress | null;
  action: TerminationAction;
  reason: string;
  status: StepStatus;
}

export interface TerminationPlan {
  notice: TerminationNotice | null;
  deadline: Date | null;
  steps: TerminationStep[];
}

export interface TerminationResult {
  plan: TerminationPlan;
  /** The termination operation; null for a dry run. */
  operation: OperationRecord | null;
}

export interface ComponentHealth {
  /** "journal", "imds", ...; also a service name of the gRPC health service. */
  name: string;
  healthy: boolean;
  detail: string;
}

export interface HealthReport {
  /** True when the agent accepts work (the journal is writable). */
  serving: boolean;
  components: ComponentHealth[];
}

export type ReleaseAction = "detached" | "deleted" | "delete_on_termination_set";

/** What subscribers receive; `sequence` increases by one per event the core emits. */
export type AgentEvent = { sequence: number; at: Date } & AgentEventPayload;

export type AgentEventPayload =
  | { kind: "device_added"; device: DeviceRecord }
  | { kind: "device_removed"; pciAddress: PciAddress; identity: DeviceIdentity }
  | {
      kind: "driver_changed";
      pciAddress: PciAddress;
      fromDriver: DriverName | null;
      toDriver: DriverName | null;
      operationId: string | null;
    }
  | { kind: "operation_progress"; operation: OperationRecord }
  | { kind: "operation_result"; operation: OperationRecord }
  | {
      kind: "drift_found";
      pciAddress: PciAddress;
      expectedDriver: DriverName;
      actualDriver: DriverName | null;
      detail: string;
    }
  | { kind: "termination_notice"; notice: TerminationNotice }
  | { kind: "termination_planned"; plan: TerminationPlan }
  | { kind: "eni_released"; eniId: EniId; pciAddress: PciAddress | null; action: ReleaseAction }
  | { kind: "health_changed"; health: HealthReport }
  | { kind: "confirmation_pending"; operationId: string; pciAddress: PciAddress; deadline: Date }
  | { kind: "confirmed"; operationId: string; pciAddress: PciAddress; by: string }
  | {
      kind: "reverted_unconfirmed";
      operationId: string;
      pciAddress: PciAddress;
      deadline: Date;
      revertOperationId: string;
      /** How the restore ended: "succeeded" means the device is home, verified. */
      revertStatus: OperationStatus;
    }
  /** An ENI of the controller contract changed phase or observed generation. */
  | { kind: "eni_phase_changed"; status: EniStatus };

export type AgentEventKind = AgentEventPayload["kind"];
