/**
 * The listeners' connections must fit in the process's descriptor limit with
 * room to spare, so that however many connections callers hold on any
 * listener, the daemon can still open the files a transaction writes, its
 * journal, and its calls to IMDS and EC2, and root's next connection to the
 * main socket is accepted. Checked once at start, against the soft
 * RLIMIT_NOFILE (node raises it to the hard limit as it starts).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { configError } from "./config-kit.js";
import type { AgentConfig } from "./config-schema.js";

/**
 * Descriptors kept for the daemon's own work. Measured: an idle simulated
 * daemon holds about 35 (event loop, pipes, log, journal, listening
 * sockets). On top of that, at worst: the EC2 client's sockets (the SDK
 * pools up to 50), IMDS (1–2), one sysfs file per running transaction step
 * (transactions.maxParallel, 4 by default, at most 64), the config and
 * kubelet watchers, metrics scrapes; about 160 together. 256 leaves the
 * rest as headroom.
 */
export const DAEMON_DESCRIPTOR_RESERVE = 256;

/** The soft "Max open files" of this process (`<procRoot>/self/limits`); null when unknown or unlimited. */
export async function readOpenFileLimit(procRoot: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(join(procRoot, "self", "limits"), "utf8");
  } catch {
    // A test tree standing for /proc has no such file: nothing to check against.
    return null;
  }
  const soft = /^Max open files\s+(\d+|unlimited)\s/m.exec(text)?.[1];
  return soft === undefined || soft === "unlimited" ? null : Number(soft);
}

/** INVALID_ARGUMENT naming the keys when the listeners' connections do not fit under `limit`. */
export function checkDescriptorBudget(
  listeners: AgentConfig["listeners"],
  limit: number | null,
  file: string,
): void {
  if (limit === null) return;
  const caps = {
    socket: listeners.socket.maxConnections,
    readOnlySocket: listeners.readOnlySocket?.maxConnections ?? 0,
    tcp: listeners.tcp?.maxConnections ?? 0,
  };
  const total = caps.socket + caps.readOnlySocket + caps.tcp;
  if (total + DAEMON_DESCRIPTOR_RESERVE <= limit) return;
  const shown = Object.entries(caps)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");
  throw configError(
    file,
    "listeners",
    `the listeners may hold ${total} connections (${shown}), but this process may open ` +
      `${limit} descriptors and keeps ${DAEMON_DESCRIPTOR_RESERVE} for its own work; lower ` +
      "listeners.*.maxConnections, or raise the limit (LimitNOFILE= in the unit)",
  );
}
