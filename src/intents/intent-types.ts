/**
 * The controller contract's data: an intent names an ENI by its id (known
 * before the ENI is attached), the driver its controller wants, who owns the
 * wish and which generation of it this is. A release leaves a tombstone so
 * that a late retry of an older Put cannot bring the intent back.
 */
import type { AgentError, DriverName, EniId, Mac } from "../common/index.js";

export interface EniIntent {
  eniId: EniId;
  /** The MAC, when the controller knows it (from CreateNetworkInterface); else IMDS tells. */
  mac: Mac | null;
  driver: DriverName;
  /** The controller and its object, e.g. "nodeeni/7d9c…" (see parseOwner). */
  owner: string;
  /** Orders updates of one owner's intent: a lower one never replaces a higher one. */
  generation: number;
  /** The request that stored this generation (a retry with it is answered, not refused). */
  requestId: string;
  /** Set once a release began: nothing binds the ENI again, and a restart finishes the release. */
  releasing: boolean;
}

/** What a release leaves behind, per ENI. */
export interface ReleasedIntent {
  eniId: EniId;
  owner: string;
  generation: number;
  /** The ENI's MAC when it was known: status can then tell SAFE_TO_DETACH from RELEASED. */
  mac: Mac | null;
  /** ReleaseEni's detach-and-delete began and has not finished (see pending-delete.ts). */
  deleting?: true;
}

/** Where an ENI stands, as the contract reports it. */
export type EniPhase =
  | "PENDING_ATTACH"
  | "BINDING"
  | "BOUND"
  | "RELEASING"
  | "SAFE_TO_DETACH"
  | "RELEASED"
  | "FAILED";

export interface EniStatus {
  eniId: EniId;
  owner: string;
  phase: EniPhase;
  /** The intent's generation (or the released one's). */
  generation: number;
  /** The last generation the agent brought about (BOUND, or released); 0 when none yet. */
  observedGeneration: number;
  driver: DriverName | null;
  /** The device the ENI is at now; null when it is not attached. */
  pciAddress: string | null;
  mac: Mac | null;
  /** Why the phase is FAILED or PENDING_ATTACH; empty otherwise. */
  detail: string;
  /** The error behind FAILED; null otherwise. */
  error: AgentError | null;
}

/**
 * How a release ended: the device is on its kernel driver, or the ENI is not
 * on this host, or (mode detach-and-delete) the agent detached and deleted it.
 */
export type ReleaseOutcome = "SAFE_TO_DETACH" | "NOT_PRESENT" | "DELETED";

/** restore: the handshake only; detach-and-delete: then detach and delete the owned ENI too. */
export type ReleaseMode = "restore" | "detach-and-delete";

/** Where IMDS (or the intent) says an ENI is. */
export type EniLocation =
  | { kind: "attached"; mac: Mac }
  /** IMDS answered and does not list the ENI. */
  | { kind: "absent" }
  /** Nobody can say now (IMDS unreachable or disabled, and no MAC known). */
  | { kind: "unknown"; reason: string };

/** The device that carries an ENI right now. */
export interface PresentDevice {
  address: string;
  /** The bound driver; null when none. */
  driver: string | null;
  /** True when `driver` is a kernel network driver (the netdev exists). */
  onKernelDriver: boolean;
}

/** Who is asking: the edge authenticated it; force needs `admin`. */
export interface IntentCaller {
  /** For logs. */
  identity: string;
  /** True for the local administrator's socket: may override another owner with force. */
  admin: boolean;
}
