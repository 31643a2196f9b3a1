/**
 * Listener and limit options of the gRPC server, their documented defaults,
 * and the validation that refuses unsafe configurations (plaintext TCP, TCP
 * without an allowlist, a main socket others may write, unusable TLS
 * material) before anything listens.
 */
import { AgentError } from "../common/index.js";
import { DEFAULT_DRIVER_ALLOWLIST } from "../sysfs/parse.js";
import type { ListenerKind } from "./agent-core.js";
import { tlsMaterialProblem } from "./tls-material.js";
import { checkSocketPath, othersMayWrite, type UnixSocketSpec } from "./unix-socket.js";

export const DEFAULT_SOCKET_PATH = "/run/eni-agent/eni-agent.sock";

export interface UnixListenerOptions {
  path: string;
  /** Default 0o660 (main socket) or 0o666 (read-only socket). */
  mode?: number;
  /** Mode of the directory if the listener creates it. Default 0o750 (main) or 0o755 (read-only). */
  directoryMode?: number;
  /** Group id of the socket; null (default) keeps the process's group. */
  gid?: number | null;
  /** Defaults: DEFAULT_LISTENER_LIMITS["unix"] (main) or ["unix-read-only"]. */
  limits?: Partial<ListenerLimits>;
}

export interface TlsFiles {
  /** PEM server certificate chain. */
  certChain: Buffer;
  /** PEM private key of the server certificate. */
  privateKey: Buffer;
  /** PEM CA bundle that client certificates must chain to (client certs are required). */
  clientCa: Buffer;
}

export interface TcpListenerOptions {
  /** "host:port", e.g. "0.0.0.0:50551" or "[::]:50551"; port 0 picks a free port. */
  address: string;
  /** Required: a TCP listener without TLS is refused. */
  tls?: TlsFiles | null;
  /** Identities ("CN=…", "DNS:…", "URI:…") allowed every RPC. */
  writers?: readonly string[];
  /** Identities allowed read-only RPCs. */
  readers?: readonly string[];
  /** Default: DEFAULT_LISTENER_LIMITS.tcp. */
  limits?: Partial<ListenerLimits>;
}

/**
 * What one listener may hold at once. Every listener has its own budget, so
 * that callers of one (any local user on the read-only socket) can never use
 * up what another (root on the main socket) needs.
 */
export interface ListenerLimits {
  /** Open connections (each holds a descriptor); one past it is closed as soon as it is accepted. */
  maxConnections: number;
  /** Open WatchEvents streams; the next is refused with UNAVAILABLE. */
  maxWatchStreams: number;
  /** Open Health.Watch streams; the next is refused with UNAVAILABLE. */
  maxHealthWatchStreams: number;
}

export interface ServerLimits {
  /** Largest request accepted. Default 64 KiB (requests are small). */
  maxReceiveMessageBytes: number;
  /** Largest response sent. Default 16 MiB. */
  maxSendMessageBytes: number;
  /** HTTP/2 streams per connection. Default 32. */
  maxConcurrentStreamsPerConnection: number;
  /** Events buffered for one slow watcher before its stream is reset. Default 1024. */
  maxQueuedEvents: number;
  /**
   * A new connection must send the HTTP/2 preface within this (on TCP: finish
   * the TLS handshake within this, then send the preface within this), or it
   * is closed. Default 10 s.
   */
  prefaceTimeoutMs: number;
}

export interface KeepalivePolicy {
  /** Server pings an idle connection after this long. Default 60 s. */
  timeMs: number;
  /** …and closes it when the ping is not answered within this. Default 20 s. */
  timeoutMs: number;
  /** Connections with no call for this long are closed. Default 5 min. */
  maxConnectionIdleMs: number;
}

export interface AgentServerOptions {
  /** The main control socket (every RPC). Default { path: DEFAULT_SOCKET_PATH }. */
  socket?: UnixListenerOptions;
  /** An optional second socket serving read-only RPCs only. */
  readOnlySocket?: UnixListenerOptions | null;
  /** Optional TCP listener, mTLS only. */
  tcp?: TcpListenerOptions | null;
  /** Drivers BindDevice accepts. Default: vfio-pci, uio_pci_generic, igb_uio, ena. */
  driverAllowlist?: readonly string[];
  limits?: Partial<ServerLimits>;
  keepalive?: Partial<KeepalivePolicy>;
  /** How long stop() lets in-flight calls finish before forcing. Default 5 s. */
  stopTimeoutMs?: number;
  /** How long to wait for an existing socket to answer at start. Default 1 s. */
  staleProbeTimeoutMs?: number;
}

interface ResolvedTcp {
  address: string;
  tls: TlsFiles;
  writers: ReadonlySet<string>;
  readers: ReadonlySet<string>;
  limits: ListenerLimits;
}

export interface ResolvedUnix extends UnixSocketSpec {
  limits: ListenerLimits;
}

export interface ResolvedServerOptions {
  socket: ResolvedUnix;
  readOnlySocket: ResolvedUnix | null;
  tcp: ResolvedTcp | null;
  driverAllowlist: readonly string[];
  limits: ServerLimits;
  keepalive: KeepalivePolicy;
  stopTimeoutMs: number;
  staleProbeTimeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxReceiveMessageBytes: 64 * 1024,
  maxSendMessageBytes: 16 * 1024 * 1024,
  maxConcurrentStreamsPerConnection: 32,
  maxQueuedEvents: 1024,
  prefaceTimeoutMs: 10_000,
});

/**
 * Per listener. The main socket serves root and its group: room for every
 * controller and CLI on the host. The read-only socket serves any local user:
 * enough for monitoring, small enough that its callers hold few descriptors.
 * TCP serves remote controllers, counted before their TLS handshake.
 */
export const DEFAULT_LISTENER_LIMITS: Readonly<Record<ListenerKind, Readonly<ListenerLimits>>> =
  Object.freeze({
    unix: Object.freeze({ maxConnections: 128, maxWatchStreams: 64, maxHealthWatchStreams: 64 }),
    "unix-read-only": Object.freeze({
      maxConnections: 32,
      maxWatchStreams: 16,
      maxHealthWatchStreams: 16,
    }),
    tcp: Object.freeze({ maxConnections: 64, maxWatchStreams: 64, maxHealthWatchStreams: 64 }),
  });

export const DEFAULT_KEEPALIVE: Readonly<KeepalivePolicy> = Object.freeze({
  timeMs: 60_000,
  timeoutMs: 20_000,
  // A CLI connection lives for one command; a controller that polls or
  // watches is never idle this long. An idle connection holds a descriptor.
  maxConnectionIdleMs: 5 * 60_000,
});

function config(message: string, remedy: string): AgentError {
  return new AgentError("INVALID_ARGUMENT", message, { remedy });
}

function listenerLimits(kind: ListenerKind, limits: Partial<ListenerLimits> = {}): ListenerLimits {
  const resolved = { ...DEFAULT_LISTENER_LIMITS[kind], ...limits };
  checkPositiveIntegers(resolved);
  return resolved;
}

function unixSpec(
  options: UnixListenerOptions,
  kind: "unix" | "unix-read-only",
  mode: number,
  directoryMode: number,
): ResolvedUnix {
  checkSocketPath(options.path);
  const spec = {
    path: options.path,
    mode: options.mode ?? mode,
    directoryMode: options.directoryMode ?? directoryMode,
    gid: options.gid ?? null,
    limits: listenerLimits(kind, options.limits),
  };
  if (kind === "unix" && othersMayWrite(spec.mode)) {
    throw config(
      `the main socket's mode ${spec.mode.toString(8).padStart(4, "0")} lets every local user call every RPC`,
      "give the main socket a mode without write for others (0660 and a group); serve other users on the read-only socket",
    );
  }
  return spec;
}

function checkPositiveIntegers(values: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isInteger(value) || value < 1) {
      throw config(`${name} must be a positive integer: ${value}`, `fix ${name} in the config`);
    }
  }
}

function resolveTcp(tcp: TcpListenerOptions): ResolvedTcp {
  if (tcp.tls === undefined || tcp.tls === null) {
    throw config(
      `plaintext TCP is refused (${tcp.address}): the control API moves NICs and must not be reachable without mutual TLS`,
      "configure tcp.tls (server certificate, key and client CA), or use the Unix socket",
    );
  }
  const writers = new Set(tcp.writers ?? []);
  const readers = new Set(tcp.readers ?? []);
  if (writers.size === 0 && readers.size === 0) {
    throw config(
      `TCP listener ${tcp.address} has no allowed client identities: every client would be refused`,
      'list client identities in tcp.writers or tcp.readers, e.g. "CN=controller"',
    );
  }
  const problem = tlsMaterialProblem(tcp.tls);
  if (problem !== null) {
    throw config(
      `TCP listener ${tcp.address}: tls.${problem.field}: ${problem.reason}`,
      "give the TCP listener a PEM certificate chain, its private key and the PEM CA bundle of its clients",
    );
  }
  return {
    address: tcp.address,
    tls: tcp.tls,
    writers,
    readers,
    limits: listenerLimits("tcp", tcp.limits),
  };
}

/** Applies defaults and refuses unsafe or contradictory settings (INVALID_ARGUMENT). */
export function resolveServerOptions(options: AgentServerOptions): ResolvedServerOptions {
  const socket = unixSpec(options.socket ?? { path: DEFAULT_SOCKET_PATH }, "unix", 0o660, 0o750);
  const readOnlySocket =
    options.readOnlySocket == null
      ? null
      : unixSpec(options.readOnlySocket, "unix-read-only", 0o666, 0o755);
  if (readOnlySocket !== null && readOnlySocket.path === socket.path) {
    throw config(
      `the read-only socket and the main socket share the path ${socket.path}`,
      "give the read-only socket its own path",
    );
  }
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const staleProbeTimeoutMs = options.staleProbeTimeoutMs ?? 1_000;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const keepalive = { ...DEFAULT_KEEPALIVE, ...options.keepalive };
  checkPositiveIntegers({ ...limits, ...keepalive, stopTimeoutMs, staleProbeTimeoutMs });
  return {
    socket,
    readOnlySocket,
    tcp: options.tcp == null ? null : resolveTcp(options.tcp),
    driverAllowlist: options.driverAllowlist ?? DEFAULT_DRIVER_ALLOWLIST,
    limits,
    keepalive,
    stopTimeoutMs,
    staleProbeTimeoutMs,
  };
}
