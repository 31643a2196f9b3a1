/**
 * The gRPC server of eni-agent: one grpc-js Server per listener (main Unix
 * socket, optional read-only socket, optional mTLS TCP), because the listener
 * decides what a caller may do. Each serves EniAgentService, grpc.health.v1
 * and server reflection (loaded on its first call, see lazy-reflection.ts),
 * all behind the listener's authorization.
 *
 * Lifecycle: start(signal) prepares the socket paths (stale sockets, modes),
 * binds every listener, and undoes what it did if any step fails. stop()
 * reports NOT_SERVING, ends open streams, stops accepting, lets in-flight
 * calls finish for `stopTimeoutMs`, then aborts their signals and forces the
 * rest; it is idempotent.
 */
import * as grpc from "@grpc/grpc-js";
import { AgentError, type Service } from "../common/index.js";
import type { AgentCore } from "./agent-core.js";
import { agentHandlers } from "./agent-handlers.js";
import type { ListenerPolicy } from "./authorize.js";
import { guardedServer } from "./guard-service.js";
import { healthHandlers } from "./health-service.js";
import { LazyReflection } from "./lazy-reflection.js";
import { loadApiDefinition } from "./load-definition.js";
import {
  type AgentServerOptions,
  type ResolvedServerOptions,
  resolveServerOptions,
} from "./server-options.js";
import { StreamRegistry } from "./stream-registry.js";
import {
  finishUnixSocket,
  prepareUnixSocket,
  removeUnixSocket,
  type UnixSocketSpec,
} from "./unix-socket.js";

/** A pino-compatible subset, so the composition root can pass its logger. */
export interface ServerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface AgentServerDeps {
  core: AgentCore;
  log?: ServerLog;
}

/** Where the server listens once started. */
export interface ListeningAddresses {
  socket: string;
  readOnlySocket: string | null;
  /** "host:port" with the bound port; null without TCP. */
  tcp: string | null;
}

interface Listener {
  server: grpc.Server;
  socket: { path: string; ino: number } | null;
}

export class AgentServer implements Service {
  readonly name = "grpc-server";
  readonly #core: AgentCore;
  readonly #log: ServerLog | undefined;
  readonly #options: ResolvedServerOptions;
  readonly #watchStreams: StreamRegistry;
  readonly #healthStreams: StreamRegistry;
  /** Aborted when stop() gives up waiting: in-flight calls see their signal abort. */
  readonly #forced = new AbortController();
  #listeners: Listener[] = [];
  /** Shared by the listeners: the library is loaded, and its service built, once. */
  #reflection: LazyReflection | null = null;
  #addresses: ListeningAddresses | null = null;
  #stopping = false;
  #stopped: Promise<void> | null = null;

  /** Validates the options (INVALID_ARGUMENT for plaintext TCP and other unsafe settings). */
  constructor(deps: AgentServerDeps, options: AgentServerOptions = {}) {
    this.#core = deps.core;
    this.#log = deps.log;
    this.#options = resolveServerOptions(options);
    const { limits } = this.#options;
    this.#watchStreams = new StreamRegistry(limits.maxWatchStreams, "WatchEvents streams");
    this.#healthStreams = new StreamRegistry(limits.maxHealthWatchStreams, "Health.Watch streams");
  }

  /** WatchEvents streams open now, over all listeners (capped by limits.maxWatchStreams). */
  openWatchStreams(): number {
    return this.#watchStreams.size;
  }

  /** The bound addresses; throws before start() succeeded. */
  addresses(): ListeningAddresses {
    if (this.#addresses === null) throw new Error("AgentServer is not started");
    return this.#addresses;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.#listeners.length > 0 || this.#stopping) {
      throw new AgentError("FAILED_PRECONDITION", "the gRPC server was already started");
    }
    const opts = this.#options;
    try {
      signal.throwIfAborted();
      const api = loadApiDefinition();
      const socket = await this.#startUnix(api, opts.socket, "unix", signal);
      const readOnly =
        opts.readOnlySocket === null
          ? null
          : await this.#startUnix(api, opts.readOnlySocket, "unix-read-only", signal);
      let tcp: string | null = null;
      if (opts.tcp !== null) {
        const policy: ListenerPolicy = {
          kind: "tcp",
          writers: opts.tcp.writers,
          readers: opts.tcp.readers,
        };
        const credentials = grpc.ServerCredentials.createSsl(
          opts.tcp.tls.clientCa,
          [{ cert_chain: opts.tcp.tls.certChain, private_key: opts.tcp.tls.privateKey }],
          true,
        );
        const server = this.#newServer(api, policy);
        this.#listeners.push({ server, socket: null });
        const port = await bind(server, opts.tcp.address, credentials);
        tcp = `${opts.tcp.address.slice(0, opts.tcp.address.lastIndexOf(":"))}:${port}`;
        signal.throwIfAborted();
      }
      this.#addresses = { socket, readOnlySocket: readOnly, tcp };
      this.#log?.info({ addresses: this.#addresses }, "gRPC server listening");
    } catch (err) {
      await this.#closeListeners();
      throw err;
    }
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#stopping = true;
    // Health watchers see NOT_SERVING first; open streams would never end by themselves.
    this.#healthStreams.closeAll();
    this.#watchStreams.closeAll();
    await this.#closeListeners();
  }

  async #closeListeners(): Promise<void> {
    const listeners = this.#listeners;
    this.#listeners = [];
    await Promise.all(
      listeners.map(async ({ server, socket }) => {
        const graceful = await shutdown(server, this.#options.stopTimeoutMs);
        if (!graceful) {
          this.#log?.warn(
            { timeoutMs: this.#options.stopTimeoutMs },
            "in-flight calls outlived the stop timeout; forcing",
          );
          this.#forced.abort();
          server.forceShutdown();
        }
        if (socket !== null) await removeUnixSocket(socket.path, socket.ino);
      }),
    );
  }

  #newServer(api: ReturnType<typeof loadApiDefinition>, policy: ListenerPolicy): grpc.Server {
    const { limits, keepalive, driverAllowlist } = this.#options;
    const server = new grpc.Server({
      "grpc.max_receive_message_length": limits.maxReceiveMessageBytes,
      "grpc.max_send_message_length": limits.maxSendMessageBytes,
      "grpc.max_concurrent_streams": limits.maxConcurrentStreamsPerConnection,
      "grpc.keepalive_time_ms": keepalive.timeMs,
      "grpc.keepalive_timeout_ms": keepalive.timeoutMs,
      "grpc.max_connection_idle_ms": keepalive.maxConnectionIdleMs,
    });
    const guarded = guardedServer(server, policy);
    guarded.addService(
      api.agentService,
      agentHandlers({
        core: this.#core,
        policy,
        driverAllowlist,
        serverSignal: this.#forced.signal,
        watchStreams: this.#watchStreams,
        maxQueuedEvents: limits.maxQueuedEvents,
      }),
    );
    guarded.addService(
      api.healthService,
      healthHandlers({
        core: this.#core,
        stopping: () => this.#stopping,
        streams: this.#healthStreams,
      }),
    );
    this.#reflection ??= new LazyReflection(api.packageDefinition);
    this.#reflection.addToServer(guarded);
    return server;
  }

  async #startUnix(
    api: ReturnType<typeof loadApiDefinition>,
    spec: UnixSocketSpec,
    kind: "unix" | "unix-read-only",
    signal: AbortSignal,
  ): Promise<string> {
    await prepareUnixSocket(spec, this.#options.staleProbeTimeoutMs);
    signal.throwIfAborted();
    const server = this.#newServer(api, { kind, path: spec.path });
    const listener: Listener = { server, socket: null };
    this.#listeners.push(listener);
    await bind(server, `unix://${spec.path}`, grpc.ServerCredentials.createInsecure());
    listener.socket = { path: spec.path, ino: await finishUnixSocket(spec) };
    signal.throwIfAborted();
    return spec.path;
  }
}

function bind(
  server: grpc.Server,
  address: string,
  credentials: grpc.ServerCredentials,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) => {
      if (error === null) {
        resolve(port);
        return;
      }
      reject(
        new AgentError("UNAVAILABLE", `cannot listen on ${address}: ${error.message}`, {
          remedy: "check that the address is free and the agent may use it",
          cause: error,
        }),
      );
    });
  });
}

/** tryShutdown bounded by `timeoutMs`; false when the bound passed first. */
function shutdown(server: grpc.Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
