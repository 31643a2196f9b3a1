/**
 * Listener and limit options of the gRPC server, their documented defaults,
 * and the validation that refuses unsafe configurations (plaintext TCP, TCP
 * without an allowlist) before anything listens.
 */
import { AgentError } from "../common/index.js";
import { DEFAULT_DRIVER_ALLOWLIST } from "../sysfs/parse.js";
import { checkSocketPath, type UnixSocketSpec } from "./unix-socket.js";

export const DEFAULT_SOCKET_PATH = "/run/eni-agent/eni-agent.sock";

export interface UnixListenerOptions {
  path: string;
  /** Default 0o660 (main socket) or 0o666 (read-only socket). */
  mode?: number;
  /** Mode of the directory if the listener creates it. Default 0o750 (main) or 0o755 (read-only). */
  directoryMode?: number;
  /** Group id of the socket; null (default) keeps the process's group. */
  gid?: number | null;
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
}

export interface ServerLimits {
  /** Largest request accepted. Default 64 KiB (requests are small). */
  maxReceiveMessageBytes: number;
  /** Largest response sent. Default 16 MiB. */
  maxSendMessageBytes: number;
  /** HTTP/2 streams per connection. Default 32. */
  maxConcurrentStreamsPerConnection: number;
  /** Open WatchEvents streams over all listeners. Default 64. */
  maxWatchStreams: number;
  /** Open Health.Watch streams over all listeners. Default 64. */
  maxHealthWatchStreams: number;
  /** Events buffered for one slow watcher before its stream is ended. Default 1024. */
  maxQueuedEvents: number;
}

export interface KeepalivePolicy {
  /** Server pings an idle connection after this long. Default 60 s. */
  timeMs: number;
  /** …and closes it when the ping is not answered within this. Default 20 s. */
  timeoutMs: number;
  /** Connections with no call for this long are closed. Default 15 min. */
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

export interface ResolvedTcp {
  address: string;
  tls: TlsFiles;
  writers: ReadonlySet<string>;
  readers: ReadonlySet<string>;
}

export interface ResolvedServerOptions {
  socket: UnixSocketSpec;
  readOnlySocket: UnixSocketSpec | null;
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
  maxWatchStreams: 64,
  maxHealthWatchStreams: 64,
  maxQueuedEvents: 1024,
});

export const DEFAULT_KEEPALIVE: Readonly<KeepalivePolicy> = Object.freeze({
  timeMs: 60_000,
  timeoutMs: 20_000,
  maxConnectionIdleMs: 15 * 60_000,
});

function config(message: string, remedy: string): AgentError {
  return new AgentError("INVALID_ARGUMENT", message, { remedy });
}

function unixSpec(
  options: UnixListenerOptions,
  mode: number,
  directoryMode: number,
): UnixSocketSpec {
  checkSocketPath(options.path);
  return {
    path: options.path,
    mode: options.mode ?? mode,
    directoryMode: options.directoryMode ?? directoryMode,
    gid: options.gid ?? null,
  };
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
  return { address: tcp.address, tls: tcp.tls, writers, readers };
}

/** Applies defaults and refuses unsafe or contradictory settings (INVALID_ARGUMENT). */
export function resolveServerOptions(options: AgentServerOptions): ResolvedServerOptions {
  const socket = unixSpec(options.socket ?? { path: DEFAULT_SOCKET_PATH }, 0o660, 0o750);
  const readOnlySocket =
    options.readOnlySocket == null ? null : unixSpec(options.readOnlySocket, 0o666, 0o755);
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
  for (const [name, value] of Object.entries({
    ...limits,
    ...keepalive,
    stopTimeoutMs,
    staleProbeTimeoutMs,
  })) {
    if (!Number.isInteger(value) || value < 1) {
      throw config(`${name} must be a positive integer: ${value}`, `fix ${name} in the config`);
    }
  }
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
