/**
 * AgentCore: the one interface the gRPC edge depends on. The composition root
 * implements it on top of the driver engine, the inventory and the AWS
 * watcher; tests implement it with a fake. The edge's job is transport,
 * validation, mapping and authorization: every value handed to the core has
 * passed its strict parser, and every caller has been authorized.
 *
 * Errors: methods reject with AgentError (src/common); the edge maps `code` to
 * a gRPC status and sends the structured fields as error details. Anything
 * else thrown becomes INTERNAL. A failure is a rejection, never a resolved
 * value with a failure flag.
 */
import type {
  AgentEvent,
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
} from "./core-types.js";
import type { HostReport } from "./host-report.js";

/** Which listener a call arrived on. */
export type ListenerKind = "unix" | "unix-read-only" | "tcp";

/** Who is calling, as the edge authenticated it. */
export interface Caller {
  listener: ListenerKind;
  /**
   * "unix:<socket path>" on a Unix socket; on TCP the certificate identity
   * that matched the allowlist ("CN=…", "DNS:…", "URI:…"). For audit: the
   * core records it as the operation's requestedBy.
   */
  identity: string;
  /** "write" when the caller may call mutating RPCs. */
  access: "read" | "write";
}

/** Per call: who asks, and when to give up. */
export interface CallContext {
  /**
   * Aborts when the client cancels, its deadline passes or the server stops
   * (reason: an AgentError with code ABORTED or DEADLINE_EXCEEDED). A
   * transaction that has not written its journal entry yet should stop and
   * reject with that reason; one already journaled runs to its verified end
   * (a half-done move is worse than a late answer), and the client finds
   * the result with GetOperation.
   */
  signal: AbortSignal;
  caller: Caller;
}

export interface AgentCore {
  /**
   * Every ENA device, ordered by PCI address. May answer from a listing
   * kept since an earlier call when nothing the core knows of changed since
   * (bounded in age); `fresh` asks for a scan that starts after the call.
   */
  listDevices(request: { fresh: boolean }, ctx: CallContext): Promise<DeviceList>;

  /** One device. NOT_FOUND when nothing matches the selector. */
  getDevice(selector: DeviceSelector, ctx: CallContext): Promise<DeviceRecord>;

  /**
   * Binds a device as one transaction. Resolves with the operation once the
   * target is verified (status "succeeded"), or with the plan (status
   * "planned") for a dry run. Rejects otherwise, with `operationId` set when
   * an operation was created: FAILED_PRECONDITION (guard refused; `guard`
   * set), ABORTED (another operation holds the device), INTERNAL (rollback
   * failed; the device is degraded), NOT_FOUND, UNAVAILABLE (EBUSY/EAGAIN).
   * Progress goes out as `operation_progress` events on subscribeEvents.
   */
  bindDevice(request: BindRequest, ctx: CallContext): Promise<OperationRecord>;

  /** Returns a device to its kernel driver; same contract as bindDevice. */
  restoreDevice(request: RestoreRequest, ctx: CallContext): Promise<OperationRecord>;

  /**
   * Makes a bind on trial final. Idempotent (OK when confirmed already).
   * NOT_FOUND for an unknown operation; FAILED_PRECONDITION when it awaits
   * no confirmation (never on trial, not committed, reverted, past its
   * deadline, ended by a later operation); UNAVAILABLE when the journal
   * refuses. Emits `confirmed`.
   */
  confirmOperation(operationId: string, ctx: CallContext): Promise<OperationRecord>;

  /** One operation by id. NOT_FOUND when the journal has no such operation. */
  getOperation(operationId: string, ctx: CallContext): Promise<OperationRecord>;

  /** A page of operations, newest first. INVALID_ARGUMENT for a page token it did not issue. */
  listOperations(query: OperationQuery, ctx: CallContext): Promise<OperationPage>;

  /**
   * Registers a listener for every event from now on; returns the function
   * that removes it (idempotent). The listener is called synchronously, must
   * not throw, and must not be called after it was removed. Health changes
   * arrive as `health_changed` events.
   */
  subscribeEvents(listener: (event: AgentEvent) => void): () => void;

  /** The preflight report. */
  getHostReport(ctx: CallContext): Promise<HostReport>;

  /**
   * Runs the termination plan now (restore to the kernel, detach/delete
   * owned ENIs or mark them DeleteOnTermination), or plans only when
   * `dryRun`. Resolves when every step succeeded; rejects otherwise with
   * `operationId` set, so GetOperation shows each step's outcome.
   */
  prepareTermination(request: { dryRun: boolean }, ctx: CallContext): Promise<TerminationResult>;

  /** The current health, cheap and synchronous (the core keeps it up to date). */
  health(): HealthReport;
}
