/**
 * The typed gRPC client of eni-agent, for the CLI and for controllers written
 * in TypeScript. Every call has a deadline; every failure rejects with an
 * AgentError rebuilt from the status and its `eni-agent-error-bin` detail, so
 * callers branch on `.code`, `.guard`, `.errno` exactly as inside the daemon.
 *
 *   const client = connectAgent({ socketPath: "/run/eni-agent/eni-agent.sock" });
 *   try { const op = await client.bindDevice({ selector: { pciAddress }, driver: "vfio-pci" }); }
 *   finally { client.close(); }
 *
 * The daemon attaches its error detail to every failure it reports. A call
 * that ends INTERNAL or UNAVAILABLE without it never got the daemon's answer:
 * the transport ended it (a GOAWAY, e.g. nghttp2's rapid-reset guard after
 * 1,000 cancellations on one connection; a dropped connection). Such a call
 * rejects with UNAVAILABLE, never INTERNAL, and a read-only call is retried
 * on a new connection, twice at most and within its deadline, and so is a
 * call of the controller contract (its request id makes a repeat join or
 * answer the first); any other mutating call is not (the daemon may have
 * acted on it: look the operation up).
 */
import * as grpc from "@grpc/grpc-js";
import { AgentError, isAgentError } from "../common/index.js";
import { ERROR_METADATA_KEY } from "../server/error-status.js";
import type { BindDeviceRequest } from "../server/generated/eniagent/v1/BindDeviceRequest.js";
import type { BindDeviceResponse__Output } from "../server/generated/eniagent/v1/BindDeviceResponse.js";
import type { ConfirmOperationResponse__Output } from "../server/generated/eniagent/v1/ConfirmOperationResponse.js";
import type { Device__Output } from "../server/generated/eniagent/v1/Device.js";
import type { DeviceSelector } from "../server/generated/eniagent/v1/DeviceSelector.js";
import type { EniAgentServiceClient } from "../server/generated/eniagent/v1/EniAgentService.js";
import type { EniStatus__Output } from "../server/generated/eniagent/v1/EniStatus.js";
import type { Event__Output } from "../server/generated/eniagent/v1/Event.js";
import type { GetDeviceResponse__Output } from "../server/generated/eniagent/v1/GetDeviceResponse.js";
import type { GetEniResponse__Output } from "../server/generated/eniagent/v1/GetEniResponse.js";
import type { GetHostReportResponse__Output } from "../server/generated/eniagent/v1/GetHostReportResponse.js";
import type { GetOperationResponse__Output } from "../server/generated/eniagent/v1/GetOperationResponse.js";
import type { HostReport__Output } from "../server/generated/eniagent/v1/HostReport.js";
import type { ListDevicesResponse__Output } from "../server/generated/eniagent/v1/ListDevicesResponse.js";
import type { ListEnisResponse__Output } from "../server/generated/eniagent/v1/ListEnisResponse.js";
import type { ListOperationsRequest } from "../server/generated/eniagent/v1/ListOperationsRequest.js";
import type { ListOperationsResponse__Output } from "../server/generated/eniagent/v1/ListOperationsResponse.js";
import type { Operation__Output } from "../server/generated/eniagent/v1/Operation.js";
import type { PrepareTerminationResponse__Output } from "../server/generated/eniagent/v1/PrepareTerminationResponse.js";
import type { PutEniIntentRequest } from "../server/generated/eniagent/v1/PutEniIntentRequest.js";
import type { PutEniIntentResponse__Output } from "../server/generated/eniagent/v1/PutEniIntentResponse.js";
import type { ReleaseEniRequest } from "../server/generated/eniagent/v1/ReleaseEniRequest.js";
import type { ReleaseEniResponse__Output } from "../server/generated/eniagent/v1/ReleaseEniResponse.js";
import type { RestoreDeviceRequest } from "../server/generated/eniagent/v1/RestoreDeviceRequest.js";
import type { RestoreDeviceResponse__Output } from "../server/generated/eniagent/v1/RestoreDeviceResponse.js";
import type { SyncEniIntentsRequest } from "../server/generated/eniagent/v1/SyncEniIntentsRequest.js";
import type { SyncEniIntentsResponse__Output } from "../server/generated/eniagent/v1/SyncEniIntentsResponse.js";
import type { WatchEventsRequest } from "../server/generated/eniagent/v1/WatchEventsRequest.js";
import type { WatchEventsResponse__Output } from "../server/generated/eniagent/v1/WatchEventsResponse.js";
import type { HealthClient } from "../server/generated/grpc/health/v1/Health.js";
import type { HealthCheckResponse__Output } from "../server/generated/grpc/health/v1/HealthCheckResponse.js";
import { loadApiDefinition } from "../server/load-definition.js";
import { errorFromStatus } from "./error-from-status.js";

export type AgentTarget =
  | { socketPath: string }
  | {
      /** "host:port" of an mTLS listener. */
      address: string;
      tls: {
        /** PEM CA bundle the server certificate must chain to. */
        ca: Buffer;
        /** PEM client certificate chain and key. */
        certChain: Buffer;
        privateKey: Buffer;
        /** Name to verify the server certificate against, when it differs from the host. */
        serverName?: string;
      };
    };

interface AgentClientOptions {
  /** Deadline of each unary call unless the call says otherwise. Default 30 s. */
  deadlineMs?: number;
}

export interface CallOptions {
  /** This call's deadline. */
  deadlineMs?: number;
  /** Cancels the call; it then rejects with ABORTED. */
  signal?: AbortSignal;
}

interface WatchOptions {
  /** Ends the stream quietly (the iteration just stops). */
  signal?: AbortSignal;
  /** Called once the server's subscription is active (events from then on are delivered). */
  onSubscribed?: () => void;
}

export type ServingStatus = HealthCheckResponse__Output["status"];

/** Attempts of a read-only call whose connection was reset, and the pause before the next. */
const RESET_RETRY_DELAYS_MS = [20, 200] as const;

const READ_ONLY = "read-only";
const MUTATING = "mutating";
/** A mutating call that carries a request id: the daemon answers a repeat, never acts twice. */
const IDEMPOTENT = "idempotent";
/** Whether a call may be sent again when its connection was reset (reads and request ids). */
type CallKind = typeof READ_ONLY | typeof MUTATING | typeof IDEMPOTENT;

/** A failed call's status as grpc-js reports it. */
type CallFailure = Partial<grpc.ServiceError>;

/** Starts one unary call of the generated client with the given metadata, options, callback. */
type Invoke<Res> = (
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<Res>,
) => grpc.ClientUnaryCall;

export class AgentClient {
  readonly #agent: EniAgentServiceClient;
  readonly #health: HealthClient;
  readonly #deadlineMs: number;
  readonly #describe: string;

  constructor(target: AgentTarget, options: AgentClientOptions = {}) {
    const api = loadApiDefinition();
    const { address, credentials, channelOptions } = channelFor(target);
    this.#describe = "socketPath" in target ? target.socketPath : target.address;
    this.#agent = new api.agentProto.eniagent.v1.EniAgentService(
      address,
      credentials,
      channelOptions,
    );
    // Share the channel: one connection for both services.
    this.#health = new api.healthProto.grpc.health.v1.Health(address, credentials, {
      ...channelOptions,
      channelOverride: this.#agent.getChannel(),
    });
    this.#deadlineMs = options.deadlineMs ?? 30_000;
  }

  /** The devices; `fresh` makes the daemon re-read sysfs rather than answer from its view. */
  async listDevices(options?: CallOptions & { fresh?: boolean }): Promise<Device__Output[]> {
    const request = { fresh: options?.fresh ?? false };
    const response = await this.#unary<ListDevicesResponse__Output>(
      (md, opts, cb) => this.#agent.listDevices(request, md, opts, cb),
      options,
      READ_ONLY,
    );
    return response.devices;
  }

  async getDevice(selector: DeviceSelector, options?: CallOptions): Promise<Device__Output> {
    const { device } = await this.#unary<GetDeviceResponse__Output>(
      (md, opts, cb) => this.#agent.getDevice({ selector }, md, opts, cb),
      options,
      READ_ONLY,
    );
    return required(device, "device");
  }

  async bindDevice(request: BindDeviceRequest, options?: CallOptions): Promise<Operation__Output> {
    const { operation } = await this.#unary<BindDeviceResponse__Output>(
      (md, opts, cb) => this.#agent.bindDevice(request, md, opts, cb),
      options,
    );
    return required(operation, "operation");
  }

  async restoreDevice(
    request: RestoreDeviceRequest,
    options?: CallOptions,
  ): Promise<Operation__Output> {
    const { operation } = await this.#unary<RestoreDeviceResponse__Output>(
      (md, opts, cb) => this.#agent.restoreDevice(request, md, opts, cb),
      options,
    );
    return required(operation, "operation");
  }

  /** Idempotent on the daemon (confirming twice is OK), so a reset connection retries it. */
  async confirmOperation(operationId: string, options?: CallOptions): Promise<Operation__Output> {
    const { operation } = await this.#unary<ConfirmOperationResponse__Output>(
      (md, opts, cb) => this.#agent.confirmOperation({ operationId }, md, opts, cb),
      options,
      READ_ONLY,
    );
    return required(operation, "operation");
  }

  async getOperation(operationId: string, options?: CallOptions): Promise<Operation__Output> {
    const { operation } = await this.#unary<GetOperationResponse__Output>(
      (md, opts, cb) => this.#agent.getOperation({ operationId }, md, opts, cb),
      options,
      READ_ONLY,
    );
    return required(operation, "operation");
  }

  listOperations(
    request: ListOperationsRequest = {},
    options?: CallOptions,
  ): Promise<ListOperationsResponse__Output> {
    return this.#unary<ListOperationsResponse__Output>(
      (md, opts, cb) => this.#agent.listOperations(request, md, opts, cb),
      options,
      READ_ONLY,
    );
  }

  async getHostReport(options?: CallOptions): Promise<HostReport__Output> {
    const { report } = await this.#unary<GetHostReportResponse__Output>(
      (md, opts, cb) => this.#agent.getHostReport({}, md, opts, cb),
      options,
      READ_ONLY,
    );
    return required(report, "report");
  }

  prepareTermination(
    request: { dryRun: boolean },
    options?: CallOptions,
  ): Promise<PrepareTerminationResponse__Output> {
    return this.#unary<PrepareTerminationResponse__Output>(
      (md, opts, cb) => this.#agent.prepareTermination(request, md, opts, cb),
      options,
    );
  }

  /** PutEniIntent (docs/controllers.md); retried on a reset connection: the request id makes it safe. */
  async putEniIntent(
    request: PutEniIntentRequest,
    options?: CallOptions,
  ): Promise<EniStatus__Output> {
    const { status } = await this.#unary<PutEniIntentResponse__Output>(
      (md, opts, cb) => this.#agent.putEniIntent(request, md, opts, cb),
      options,
      IDEMPOTENT,
    );
    return required(status, "status");
  }

  /** ReleaseEni: resolves once the ENI is SAFE_TO_DETACH or NOT_PRESENT (the outcome). */
  releaseEni(
    request: ReleaseEniRequest,
    options?: CallOptions,
  ): Promise<ReleaseEniResponse__Output> {
    return this.#unary<ReleaseEniResponse__Output>(
      (md, opts, cb) => this.#agent.releaseEni(request, md, opts, cb),
      options,
      IDEMPOTENT,
    );
  }

  /** SyncEniIntents: the owner's complete set; per-ENI failures are in the response. */
  syncEniIntents(
    request: SyncEniIntentsRequest,
    options?: CallOptions,
  ): Promise<SyncEniIntentsResponse__Output> {
    return this.#unary<SyncEniIntentsResponse__Output>(
      (md, opts, cb) => this.#agent.syncEniIntents(request, md, opts, cb),
      options,
      IDEMPOTENT,
    );
  }

  async getEni(eniId: string, options?: CallOptions): Promise<EniStatus__Output> {
    const { status } = await this.#unary<GetEniResponse__Output>(
      (md, opts, cb) => this.#agent.getEni({ eniId }, md, opts, cb),
      options,
      READ_ONLY,
    );
    return required(status, "status");
  }

  /** The ENIs of `owner` (all when empty), by ENI id. */
  async listEnis(owner = "", options?: CallOptions): Promise<EniStatus__Output[]> {
    const { statuses } = await this.#unary<ListEnisResponse__Output>(
      (md, opts, cb) => this.#agent.listEnis({ owner }, md, opts, cb),
      options,
      READ_ONLY,
    );
    return statuses;
  }

  /** grpc.health.v1 Check: "" or "eniagent.v1.EniAgentService" for the agent, or a component. */
  async checkHealth(service = "", options?: CallOptions): Promise<ServingStatus> {
    const response = await this.#unary<HealthCheckResponse__Output>(
      (md, opts, cb) => this.#health.check({ service }, md, opts, cb),
      options,
      READ_ONLY,
    );
    return response.status;
  }

  /** Events until the signal aborts (the iteration ends) or the stream fails (AgentError). */
  async *watchEvents(
    request: WatchEventsRequest = {},
    options: WatchOptions = {},
  ): AsyncGenerator<Event__Output> {
    const call = this.#agent.watchEvents(request, new grpc.Metadata(), {});
    const onAbort = (): void => call.cancel();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) call.cancel();
    if (options.onSubscribed !== undefined) call.once("metadata", options.onSubscribed);
    try {
      for await (const message of call as AsyncIterable<WatchEventsResponse__Output>) {
        if (message.event !== null) yield message.event;
      }
    } catch (err) {
      if (options.signal?.aborted === true) return;
      throw this.#watchError(err);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      call.cancel();
    }
  }

  /** Closes the connection; pending calls fail with ABORTED/UNAVAILABLE. */
  close(): void {
    this.#agent.close();
  }

  /** One unary call; a read-only one is retried when its connection was reset. */
  async #unary<Res>(
    invoke: Invoke<Res>,
    options: CallOptions = {},
    kind: CallKind = MUTATING,
  ): Promise<Res> {
    const deadline = Date.now() + (options.deadlineMs ?? this.#deadlineMs);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#attempt(invoke, deadline, options.signal);
      } catch (failure) {
        const delayMs = RESET_RETRY_DELAYS_MS[attempt];
        const retry =
          kind !== MUTATING &&
          delayMs !== undefined &&
          endedByTransport(failure) &&
          options.signal?.aborted !== true &&
          Date.now() + delayMs < deadline;
        if (!retry) throw this.#toAgentError(failure);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** One attempt; rejects with what grpc-js reported (converted by the caller). */
  #attempt<Res>(invoke: Invoke<Res>, deadline: number, signal?: AbortSignal): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AgentError("ABORTED", "the call was cancelled before it started"));
        return;
      }
      let call: grpc.ClientUnaryCall;
      try {
        call = invoke(new grpc.Metadata(), { deadline }, (err, res) => {
          signal?.removeEventListener("abort", onAbort);
          if (err !== null || res === undefined) reject(err);
          else resolve(res);
        });
      } catch (err) {
        // grpc-js throws instead of calling back when it cannot start a call
        // (e.g. after close()): still a rejection, never an exception.
        reject(err);
        return;
      }
      const onAbort = (): void => call.cancel();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * The daemon resets a watch that fell behind (RST_STREAM ENHANCE_YOUR_CALM,
   * which grpc-js reports as RESOURCE_EXHAUSTED without the daemon's detail).
   */
  #watchError(err: unknown): AgentError {
    if (isCallFailure(err) && err.code === grpc.status.RESOURCE_EXHAUSTED && !fromDaemon(err)) {
      return new AgentError(
        "UNAVAILABLE",
        `the daemon dropped this watch: it fell too far behind in reading events (${this.#describe})`,
        { remedy: "read the stream faster, or list again and start a new watch", cause: err },
      );
    }
    return this.#toAgentError(err);
  }

  #toAgentError(err: unknown): AgentError {
    if (isAgentError(err)) return err;
    if (!isCallFailure(err)) {
      const message = err instanceof Error ? err.message : String(err);
      return new AgentError("INTERNAL", `the gRPC client failed: ${message}`, { cause: err });
    }
    const status = err;
    if (status.code === grpc.status.INTERNAL && endedByTransport(status)) {
      return new AgentError(
        "UNAVAILABLE",
        `the call ended without the daemon's answer: ${status.details ?? "no detail"} (${this.#describe})`,
        { remedy: "retry: the daemon did not report this call failed", cause: err },
      );
    }
    const error = errorFromStatus(status);
    // A connection failure carries no detail from the daemon (the daemon
    // always attaches its error metadata): say where we tried.
    if (status.code === grpc.status.UNAVAILABLE && !fromDaemon(status)) {
      return new AgentError(error.code, `${error.message} (${this.#describe})`, {
        remedy: `check that eni-agent is running and that ${this.#describe} is reachable`,
        cause: err,
      });
    }
    return error;
  }
}

function isCallFailure(value: unknown): value is CallFailure {
  return typeof value === "object" && value !== null && "code" in value;
}

/** The daemon attaches its error detail to every failure it sends. */
function fromDaemon(status: CallFailure): boolean {
  return (status.metadata?.get(ERROR_METADATA_KEY).length ?? 0) > 0;
}

/**
 * The call ended INTERNAL or UNAVAILABLE without the daemon's detail: the
 * transport ended it (grpc-js reports a stream reset by a GOAWAY as
 * INTERNAL, a lost connection as UNAVAILABLE; it keeps the RST_STREAM code
 * to itself), not the daemon.
 */
function endedByTransport(failure: unknown): boolean {
  return (
    isCallFailure(failure) &&
    !fromDaemon(failure) &&
    (failure.code === grpc.status.INTERNAL || failure.code === grpc.status.UNAVAILABLE)
  );
}

/** Opens a client; no connection is made until the first call. */
export function connectAgent(target: AgentTarget, options?: AgentClientOptions): AgentClient {
  return new AgentClient(target, options);
}

function channelFor(target: AgentTarget): {
  address: string;
  credentials: grpc.ChannelCredentials;
  channelOptions: grpc.ChannelOptions;
} {
  if ("socketPath" in target) {
    return {
      address: `unix://${target.socketPath}`,
      credentials: grpc.credentials.createInsecure(),
      channelOptions: {},
    };
  }
  const { tls } = target;
  return {
    address: target.address,
    credentials: grpc.credentials.createSsl(tls.ca, tls.privateKey, tls.certChain),
    channelOptions:
      tls.serverName === undefined ? {} : { "grpc.ssl_target_name_override": tls.serverName },
  };
}

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) {
    throw new AgentError("INTERNAL", `the daemon's response has no ${field}`);
  }
  return value;
}
