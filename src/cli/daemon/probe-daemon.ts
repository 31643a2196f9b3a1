/**
 * Is anybody listening where the daemon should be? One connect(2), nothing
 * sent: cheap enough for every command, and it needs neither gRPC nor TLS, so
 * `status` can decide to read sysfs without loading the gRPC client. A
 * connection that is accepted counts as an answer (the offline commands refuse
 * to run next to it); a refused one names the errno.
 */
import { lstat } from "node:fs";
import { AgentError, isAgentError } from "../../common/index.js";
import { DAEMON_CONNECT_SYSCALL } from "../exit-codes.js";
import { describeEndpoint, type Endpoint } from "./connection-flags.js";

type Reachability =
  | { answering: true }
  | {
      answering: false;
      /** ENOENT (no socket), ECONNREFUSED (stale socket, nobody listening), EACCES, ETIMEDOUT, ... */
      errno: string;
    };

export async function probeDaemon(endpoint: Endpoint, timeoutMs: number): Promise<Reachability> {
  // Look before connecting: "no socket there" and "that is not a socket" say
  // more than the ECONNREFUSED that connect(2) gives for some of them (e.g. a
  // path longer than sun_path holds).
  if (endpoint.kind === "unix") {
    const kind = await new Promise<string | null>((resolve) =>
      lstat(endpoint.socketPath, (err, stats) =>
        resolve(err ? (err.code ?? "EIO") : stats.isSocket() ? null : "ENOTSOCK"),
      ),
    );
    if (kind !== null) return { answering: false, errno: kind };
  }
  // node:net (with all of node:stream) is loaded only when there is something
  // to connect to: `status` with no daemon socket is done without it.
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket =
      endpoint.kind === "unix"
        ? connect({ path: endpoint.socketPath })
        : connect({ host: endpoint.host, port: endpoint.port });
    const done = (result: Reachability): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ answering: false, errno: "ETIMEDOUT" }), timeoutMs);
    socket.once("connect", () => done({ answering: true }));
    socket.once("error", (err: NodeJS.ErrnoException) =>
      done({ answering: false, errno: err.code ?? "EIO" }),
    );
  });
}

const WHY: Readonly<Record<string, string>> = {
  ENOENT: "no socket there",
  ECONNREFUSED: "nobody is listening",
  EACCES: "no permission to use the socket",
  EPERM: "no permission to use the socket",
  ETIMEDOUT: "no answer in time",
  ENOTSOCK: "the path is not a socket",
  ENOTDIR: "a parent of the path is not a directory",
};

/** The error of a daemon that did not answer: UNAVAILABLE with syscall "connect" (exit 8). */
export function daemonNotReachable(endpoint: Endpoint, errno: string): AgentError {
  const where = describeEndpoint(endpoint);
  const remedy =
    errno === "EACCES" || errno === "EPERM"
      ? `run as root or as a member of the socket's group, or use the read-only socket with --socket`
      : endpoint.kind === "unix"
        ? "start it (systemctl start eni-agent), pass --socket if it listens elsewhere, or use --offline where the command has it"
        : "check that the daemon's TCP listener is enabled and that HOST:PORT is reachable";
  return new AgentError(
    "UNAVAILABLE",
    `no eni-agent daemon answers at ${where} (${errno}: ${WHY[errno] ?? "cannot connect"})`,
    {
      errno,
      syscall: DAEMON_CONNECT_SYSCALL,
      path: endpoint.kind === "unix" ? endpoint.socketPath : undefined,
      remedy,
    },
  );
}

/** The two ways a read-only command answers, and what its notes say when it falls back. */
export interface DaemonOrLocal<T> {
  /** Asks the daemon (loads the gRPC client only when called). */
  daemon: () => Promise<T>;
  /** Reads this host directly. */
  local: () => Promise<T>;
  /** What the daemon failed to do, for the note: "did not list devices". */
  failed: string;
  /** What the command does instead, for the note: "showing what sysfs says". */
  instead: string;
}

/**
 * The daemon's answer, or this host's when no daemon answers on the local
 * socket or the one that answers fails: each fallback says so in a note on
 * stderr. Probing first decides before anything of gRPC loads (a missing
 * socket costs one connect(2)). Through --address there is no fallback: the
 * local host is not the remote one. A usage error is the caller's, never a
 * reason to fall back.
 */
export async function fromDaemonOrLocal<T>(
  endpoint: Endpoint,
  timeoutMs: number,
  io: { stderr: { write(text: string): unknown } },
  ways: DaemonOrLocal<T>,
): Promise<T> {
  if (endpoint.kind === "tcp") return ways.daemon();
  const reach = await probeDaemon(endpoint, Math.min(timeoutMs, 2_000));
  if (!reach.answering) {
    io.stderr.write(
      `note: ${daemonNotReachable(endpoint, reach.errno).message}; ${ways.instead}\n`,
    );
    return ways.local();
  }
  try {
    return await ways.daemon();
  } catch (err) {
    if (!isAgentError(err) || err.code === "INVALID_ARGUMENT") throw err;
    io.stderr.write(
      `note: the daemon at ${describeEndpoint(endpoint)} ${ways.failed} (${err.message}); ${ways.instead}\n`,
    );
    return ways.local();
  }
}
