/** `eni-agent version`: this command's version, and whether and how well the daemon answers. */
import { isAgentError } from "../../common/index.js";
import { cliVersion } from "../cli-version.js";
import type { CliIo } from "../command.js";
import {
  CONNECTION_FLAGS,
  connectionHelp,
  connectionOf,
  describeEndpoint,
} from "../daemon/connection-flags.js";
import { openDaemon } from "../daemon/open-daemon.js";
import { COMMON_EXIT_LINES, EXIT_OK } from "../exit-codes.js";
import { noArguments, parseFlags } from "../flags.js";

export const HELP = `NAME
    eni-agent version - print this command's version and the daemon's health

SYNOPSIS
    eni-agent version [--json] [--socket PATH | --address HOST:PORT ...]
                      [--timeout SECONDS]

DESCRIPTION
    Prints the version of this command and of Node.js, then asks the daemon
    for its version and health (grpc.health.v1 Check, and from
    GetHostReport the daemon's version and its components: journal,
    instance metadata, termination watcher, ...). A daemon older than this
    command (a package upgraded but the daemon not restarted) shows here.

    A daemon that does not answer is reported, not an error: version exits 0
    whenever it could print its own version.

OPTIONS
${connectionHelp(5)}

JSON
    {"version": 1, "cli": {"version", "node"}, "daemon": {"endpoint",
    "reachable", "serving", "version": STRING|null,
    "components": [{"name", "healthy", "detail"}], "error": ERROR|null}}

EXIT STATUS
    0   the version was printed (whether or not a daemon answers)
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent version
    eni-agent version --json | jq .daemon.serving
`;

const FLAGS = { ...CONNECTION_FLAGS } as const;

interface DaemonState {
  endpoint: string;
  reachable: boolean;
  /** The health service's answer: "SERVING", "NOT_SERVING", ...; null when unreachable. */
  serving: string | null;
  /** The daemon's eni-agent version; null when it did not say. */
  version: string | null;
  components: { name: string; healthy: boolean; detail: string | null }[];
  error: ({ code: string; message: string } & Record<string, string>) | null;
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("version", argv, FLAGS);
  noArguments("version", positionals);
  const { endpoint, timeoutMs } = connectionOf("version", values, io, 5);
  const cli = { version: await cliVersion(), node: process.version };
  const daemon: DaemonState = {
    endpoint: describeEndpoint(endpoint),
    reachable: false,
    serving: null,
    version: null,
    components: [],
    error: null,
  };
  try {
    const client = await openDaemon(endpoint, { timeoutMs });
    try {
      daemon.serving = await client.checkHealth("", { signal: io.signal });
      daemon.reachable = true;
      const report = await client.getHostReport({ signal: io.signal });
      daemon.version = report.agentVersion === "" ? null : report.agentVersion;
      daemon.components = (report.health?.components ?? []).map((c) => ({
        name: c.name,
        healthy: c.healthy,
        detail: c.detail === "" ? null : c.detail,
      }));
    } finally {
      client.close();
    }
  } catch (err) {
    if (!isAgentError(err)) throw err;
    daemon.error = err.toJSON() as DaemonState["error"];
  }
  io.stdout.write(
    values.json ? `${JSON.stringify({ version: 1, cli, daemon }, null, 2)}\n` : render(cli, daemon),
  );
  return EXIT_OK;
}

function render(cli: { version: string; node: string }, d: DaemonState): string {
  const head = `eni-agent ${cli.version} (node ${cli.node})\n`;
  if (!d.reachable)
    return `${head}daemon at ${d.endpoint}: ${d.error?.message ?? "not reachable"}\n`;
  const parts = d.components.map(
    (c) =>
      `  ${c.name}: ${c.healthy ? "healthy" : "UNHEALTHY"}${c.detail ? ` (${c.detail})` : ""}\n`,
  );
  const note = d.error === null ? "" : `  (no component report: ${d.error.message})\n`;
  const version = d.version === null ? "" : ` (eni-agent ${d.version})`;
  return `${head}daemon at ${d.endpoint}: ${d.serving}${version}\n${parts.join("")}${note}`;
}
