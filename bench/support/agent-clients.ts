/**
 * Clients of a daemon that each hold a connection of their own, as separate
 * controller processes would. grpc-js lets every channel of a process that
 * names the same target share one connection (its process-wide subchannel
 * pool), and connectAgent has no channel option to opt out; a symbolic link
 * to the socket per client gives each channel a target of its own, hence its
 * own connection. Benchmarks count the daemon's sockets to check it.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { type AgentClient, connectAgent } from "../../src/client/client.js";

/**
 * `count` clients of the daemon listening on `socketPath`, client i through
 * `<linkDir>/<i>.sock`. No connection is made before a client's first call.
 */
export function clientsOnOwnConnections(
  socketPath: string,
  count: number,
  linkDir: string,
): AgentClient[] {
  mkdirSync(linkDir, { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const link = join(linkDir, `${i}.sock`);
    symlinkSync(socketPath, link);
    return connectAgent({ socketPath: link });
  });
}
