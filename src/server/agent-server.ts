/**
 * The gRPC server of eni-agent: one grpc-js Server per listener (main Unix
 * socket, optional read-only socket, optional mTLS TCP), because the listener
 * decides what a caller may do. Each serves EniAgentService, grpc.health.v1
 * and server reflection (loaded on its first call, see lazy-reflection.ts),
 * all behind the listener's authorization.
 *
 * Each listener has its own budget (ListenerLimits): connections, and open
 * WatchEvents and Health.Watch streams. Its socket is owned by a
 * GatedListener, which caps connections and closes those that do not speak
 * HTTP/2 in time before grpc-js sees them.
 *
 * Lifecycle: start(signal) prepares the socket paths (stale sockets, modes),
 * binds every listener, and undoes what it did if any step fails. stop()
 * reports NOT_SERVING, ends open streams, stops accepting, lets in-flight
 * calls finish for `stopTimeoutMs`, then aborts their signals and forces the
 * rest; it is idempotent.
 */
import * as grpc from "@grpc/grpc-js";
import { AgentError, type Service } from "../common/index.js";
import type { AgentCore, ListenerKind } from "./agent-core.js";
import { agentHandlers } from "./agent-handlers.js";
import type { ListenerPolicy } from "./authorize.js";
import { type ConnectionStats, GatedListener, type ListenAddress } from "./gated-listener.js";
import { guardedServer } from "./guard-service.js";
import { healthHandlers } from "./health-service.js";
import type { IntentApi } from "./intent-handlers.js";
import { LazyReflection } from "./lazy-reflection.js";
import { loadApiDefinition } from "./load-definition.js";
import {
  type AgentServerOptions,
  type ListenerLimits,
  type ResolvedServerOptions,
  type ResolvedUnix,
  resolveServerOptions,
} from "./server-options.js";
import { StreamRegistry } from "./stream-registry.js";
import { finishUnixSocket, prepareUnixSocket, removeUnixSocket } from "./unix-socket.js";

/** A pino-compatible subset, so the composition root can pass its logger. */
export interface ServerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  debug?(fields: object, message: string): void;
}

export interface AgentServerDeps {
  core: AgentCore;
  /** The controller contract's RPCs; absent: they answer FAILED_PRECONDITION. */
  intents?: IntentApi;
  log?: ServerLog;
}

/** Where the server listens once started. */
export interface ListeningAddresses {
  socket: string;
  readOnlySocket: string | null;
  /** "host:port" with the bound port; null without TCP. */
  tcp: string | null;
}

/** What one listener holds now, and what it refused since start. */
export interface ListenerStats {
  kind: ListenerKind;
  connections: ConnectionStats;
  watchStreams: number;
  healthWatchStreams: number;
}

interface Listener {
  kind: ListenerKind;
  limits: ListenerLimits;
  server: grpc.Server;
  gate: GatedListener | null;
  socket: { path: string; ino: number } | null;
  watchStreams: StreamRegistry;
  healthStreams: StreamRegistry;
}

const LISTENER_NAMES: Readonly<Record<ListenerKind, string>> = {
  unix: "the main socket",
  "unix-read-only": "the read-only socket",
  tcp: "the TCP listener",
};

export class AgentServer implements Service {
  readonly name = "grpc-server";
  readonly #core: AgentCore;
  readonly #intents: IntentApi | undefined;
  readonly #log: ServerLog | undefined;
  readonly #options: ResolvedServerOptions;
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
    this.#intents = deps.intents;
    this.#log = deps.log;
    this.#options = resolveServerOptions(options);
  }

  /** WatchEvents streams open now, over all listeners (each capped by its own limit). */
  openWatchStreams(): number {
    return this.#listeners.reduce((sum, l) => sum + l.watchStreams.size, 0);
  }

  /** Per listener: connections and streams open now, connections refused since start. */
  listenerStats(): ListenerStats[] {
    return this.#listeners.map((l) => ({
      kind: l.kind,
      connections: l.gate?.stats() ?? { open: 0, refused: 0, timedOut: 0, notHttp2: 0 },
      watchStreams: l.watchStreams.size,
      healthWatchStreams: l.healthStreams.size,
    }));
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
        const host = opts.tcp.address.slice(0, opts.tcp.address.lastIndexOf(":"));
        const listener = this.#newListener(api, policy, opts.tcp.limits);
        const port = await this.#listen(listener, {
          kind: "tcp",
          // "[::]" in the address; node wants the bare IPv6 address.
          host: host.replace(/^\[(.*)\]$/, "$1"),
          port: Number(opts.tcp.address.slice(opts.tcp.address.lastIndexOf(":") + 1)),
          tls: opts.tcp.tls,
        });
        tcp = `${host}:${port}`;
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
    for (const listener of this.#listeners) listener.healthStreams.closeAll();
    for (const listener of this.#listeners) listener.watchStreams.closeAll();
    await this.#closeListeners();
  }

  async #closeListeners(): Promise<void> {
    const listeners = this.#listeners;
    this.#listeners = [];
    await Promise.all(
      listeners.map(async ({ server, gate, socket }) => {
        gate?.stopAccepting();
        const graceful = await shutdown(server, this.#options.stopTimeoutMs);
        if (!graceful) {
          this.#log?.warn(
            { timeoutMs: this.#options.stopTimeoutMs },
            "in-flight calls outlived the stop timeout; forcing",
          );
          this.#forced.abort();
          server.forceShutdown();
        }
        // Connections grpc-js never saw (TLS handshakes in progress) end here.
        gate?.destroyAll();
        if (socket !== null) await removeUnixSocket(socket.path, socket.ino);
      }),
    );
  }

  /** A listener's gRPC server with its own stream budgets; registered for stop() at once. */
  #newListener(
    api: ReturnType<typeof loadApiDefinition>,
    policy: ListenerPolicy,
    limits: ListenerLimits,
  ): Listener {
    const name = LISTENER_NAMES[policy.kind];
    const watchStreams = new StreamRegistry(
      limits.maxWatchStreams,
      `WatchEvents streams on ${name}`,
    );
    const healthStreams = new StreamRegistry(
      limits.maxHealthWatchStreams,
      `Health.Watch streams on ${name}`,
    );
    const listener: Listener = {
      kind: policy.kind,
      limits,
      server: this.#newServer(api, policy, watchStreams, healthStreams),
      gate: null,
      socket: null,
      watchStreams,
      healthStreams,
    };
    this.#listeners.push(listener);
    return listener;
  }

  /** Opens the listener's socket; resolves with the bound TCP port (0 for Unix). */
  #listen(listener: Listener, address: ListenAddress): Promise<number> {
    // TLS, when there is any, ends in the gate: grpc-js gets plaintext HTTP/2.
    const injector = listener.server.createConnectionInjector(
      grpc.ServerCredentials.createInsecure(),
    );
    listener.gate = new GatedListener(
      {
        inject: (connection) => injector.injectConnection(connection),
        name: listener.kind,
        log: this.#log,
      },
      {
        address,
        maxConnections: listener.limits.maxConnections,
        prefaceTimeoutMs: this.#options.limits.prefaceTimeoutMs,
      },
    );
    return listener.gate.listen();
  }

  #newServer(
    api: ReturnType<typeof loadApiDefinition>,
    policy: ListenerPolicy,
    watchStreams: StreamRegistry,
    healthStreams: StreamRegistry,
  ): grpc.Server {
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
        intents: this.#intents,
        policy,
        driverAllowlist,
        serverSignal: this.#forced.signal,
        watchStreams,
        maxQueuedEvents: limits.maxQueuedEvents,
      }),
    );
    guarded.addService(
      api.healthService,
      healthHandlers({
        core: this.#core,
        stopping: () => this.#stopping,
        streams: healthStreams,
      }),
    );
    this.#reflection ??= new LazyReflection(api.packageDefinition);
    this.#reflection.addToServer(guarded);
    return server;
  }

  async #startUnix(
    api: ReturnType<typeof loadApiDefinition>,
    spec: ResolvedUnix,
    kind: "unix" | "unix-read-only",
    signal: AbortSignal,
  ): Promise<string> {
    await prepareUnixSocket(spec, this.#options.staleProbeTimeoutMs);
    signal.throwIfAborted();
    const listener = this.#newListener(api, { kind, path: spec.path }, spec.limits);
    await this.#listen(listener, { kind: "unix", path: spec.path });
    listener.socket = { path: spec.path, ino: await finishUnixSocket(spec) };
    signal.throwIfAborted();
    return spec.path;
  }
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
