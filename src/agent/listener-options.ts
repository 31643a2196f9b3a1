/**
 * The gRPC server's options from the configuration, with what they need
 * from disk: socket groups resolved to ids, TLS files read and checked, the
 * listeners' connection caps checked against the descriptor limit (errors
 * name the configuration file and key).
 */
import type { AgentServerOptions, ListenerLimits } from "../server/index.js";
import { readTlsFiles, resolveGroup } from "./config-file.js";
import type { AgentConfig, ListenerBudget, SocketConfig } from "./config-schema.js";
import { checkDescriptorBudget, readOpenFileLimit } from "./descriptor-budget.js";

/** One number in the configuration caps both kinds of watch stream. */
function budget(b: ListenerBudget): ListenerLimits {
  return {
    maxConnections: b.maxConnections,
    maxWatchStreams: b.maxWatchStreams,
    maxHealthWatchStreams: b.maxWatchStreams,
  };
}

export async function listenerOptions(
  config: AgentConfig,
  configPath: string | null,
): Promise<AgentServerOptions> {
  const file = configPath ?? "(configuration)";
  const { listeners } = config;
  checkDescriptorBudget(listeners, await readOpenFileLimit(config.procRoot), file);
  const socket = async (s: SocketConfig, key: string) => ({
    path: s.path,
    mode: s.mode,
    gid: await resolveGroup(s.group, key, file),
    limits: budget(s),
  });
  const tcp = listeners.tcp;
  return {
    socket: await socket(listeners.socket, "listeners.socket.group"),
    readOnlySocket:
      listeners.readOnlySocket === null
        ? null
        : await socket(listeners.readOnlySocket, "listeners.readOnlySocket.group"),
    tcp:
      tcp === null
        ? null
        : {
            address: tcp.address,
            tls: await readTlsFiles(tcp.tls, file),
            writers: tcp.writers,
            readers: tcp.readers,
            limits: budget(tcp),
          },
    driverAllowlist: config.allowedDrivers,
    limits: { prefaceTimeoutMs: listeners.prefaceTimeoutMs },
    keepalive: { maxConnectionIdleMs: listeners.idleTimeoutMs },
    // In-flight calls (a bind waiting for its transaction) get their answer.
    stopTimeoutMs: config.transactions.drainTimeoutMs,
  };
}
