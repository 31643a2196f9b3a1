/**
 * The gRPC server's options from the configuration, with what they need
 * from disk: socket groups resolved to ids, TLS files read (errors name the
 * configuration file and key).
 */
import type { AgentServerOptions } from "../server/index.js";
import { readTlsFiles, resolveGroup } from "./config-file.js";
import type { AgentConfig, SocketConfig } from "./config-schema.js";

export async function listenerOptions(
  config: AgentConfig,
  configPath: string | null,
): Promise<AgentServerOptions> {
  const file = configPath ?? "(configuration)";
  const { listeners } = config;
  const socket = async (s: SocketConfig, key: string) => ({
    path: s.path,
    mode: s.mode,
    gid: await resolveGroup(s.group, key, file),
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
          },
    driverAllowlist: config.allowedDrivers,
    limits: { maxWatchStreams: listeners.maxWatchStreams },
    // In-flight calls (a bind waiting for its transaction) get their answer.
    stopTimeoutMs: config.transactions.drainTimeoutMs,
  };
}
