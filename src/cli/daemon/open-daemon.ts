/**
 * Opens the gRPC client on an endpoint: reads the TLS files, probes that
 * somebody listens (so "no daemon" is its own error, exit 8, decided on the
 * errno), and only then loads the client module, lazily: commands that end
 * up not needing the daemon never pay for gRPC.
 */
import { readFile } from "node:fs/promises";
import type { AgentClient, AgentTarget } from "../../client/client.js";
import { AgentError } from "../../common/index.js";
import type { Endpoint } from "./connection-flags.js";
import { daemonNotReachable, probeDaemon } from "./probe-daemon.js";

/** Longest wait for the connect probe: a Unix socket answers at once, a far TCP host may not. */
const PROBE_TIMEOUT_MS = 5_000;

interface OpenOptions {
  /** Deadline of each unary call. */
  timeoutMs: number;
}

/** A connected client; the caller closes it. Rejects with exit-8 errors when nobody answers. */
export async function openDaemon(endpoint: Endpoint, options: OpenOptions): Promise<AgentClient> {
  const target = await targetOf(endpoint);
  const reach = await probeDaemon(endpoint, Math.min(options.timeoutMs, PROBE_TIMEOUT_MS));
  if (!reach.answering) throw daemonNotReachable(endpoint, reach.errno);
  const { connectAgent } = await import("../../client/client.js");
  return connectAgent(target, { deadlineMs: options.timeoutMs });
}

/** Runs `fn` with a client and always closes it. */
export async function withDaemon<T>(
  endpoint: Endpoint,
  options: OpenOptions,
  fn: (client: AgentClient) => Promise<T>,
): Promise<T> {
  const client = await openDaemon(endpoint, options);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

async function targetOf(endpoint: Endpoint): Promise<AgentTarget> {
  if (endpoint.kind === "unix") return { socketPath: endpoint.socketPath };
  const [ca, certChain, privateKey] = await Promise.all([
    pem(endpoint.tls.ca, "--tls-ca"),
    pem(endpoint.tls.cert, "--tls-cert"),
    pem(endpoint.tls.key, "--tls-key"),
  ]);
  return {
    address: endpoint.address,
    tls: {
      ca,
      certChain,
      privateKey,
      ...(endpoint.tls.serverName === undefined ? {} : { serverName: endpoint.tls.serverName }),
    },
  };
}

async function pem(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code ?? "EIO";
    const code =
      errno === "ENOENT" ? "NOT_FOUND" : errno === "EACCES" ? "PERMISSION_DENIED" : "INTERNAL";
    throw new AgentError(code, `cannot read ${flag} ${path}: ${errno}`, {
      errno,
      syscall: "open",
      path,
      cause: err,
    });
  }
}
