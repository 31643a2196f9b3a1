/**
 * Where the daemon is and how long to wait for it: the flags every command
 * that talks to the daemon takes, and their parsing. Reading the TLS files
 * and connecting happen later (open-daemon.ts), so `--help` and usage errors
 * never touch the file system.
 */
import { AgentError } from "../../common/index.js";
import type { CliIo } from "../command.js";
import { usage } from "../flags.js";
import { DEFAULT_SOCKET_PATH, defaultSocket } from "./default-socket.js";

export { DEFAULT_SOCKET_PATH } from "./default-socket.js";

export const CONNECTION_FLAGS = {
  socket: { type: "string" },
  address: { type: "string" },
  "tls-ca": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-server-name": { type: "string" },
  timeout: { type: "string" },
  json: { type: "boolean" },
} as const;

interface ConnectionFlagValues {
  socket?: string | undefined;
  address?: string | undefined;
  "tls-ca"?: string | undefined;
  "tls-cert"?: string | undefined;
  "tls-key"?: string | undefined;
  "tls-server-name"?: string | undefined;
  timeout?: string | undefined;
}

export type Endpoint =
  | { kind: "unix"; socketPath: string }
  | {
      kind: "tcp";
      /** "host:port" as given. */
      address: string;
      host: string;
      port: number;
      /** File paths (PEM), read when connecting. */
      tls: { ca: string; cert: string; key: string; serverName: string | undefined };
    };

/** How the OPTIONS section of every daemon command's help describes these flags. */
export function connectionHelp(defaultTimeoutSeconds: number): string {
  return `    --socket PATH      The daemon's Unix socket (default $ENI_AGENT_SOCKET,
                       else ${DEFAULT_SOCKET_PATH}, else the socket of
                       a running \`eni-agent serve --simulate\` of this user).
    --address HOST:PORT
                       Talk to the daemon's TCP listener instead (mutual TLS:
                       needs --tls-ca, --tls-cert and --tls-key).
    --tls-ca FILE      PEM CA bundle the daemon's certificate must chain to.
    --tls-cert FILE    PEM client certificate (chain).
    --tls-key FILE     PEM private key of the client certificate.
    --tls-server-name NAME
                       Verify the daemon's certificate against NAME instead of HOST.
    --timeout SECONDS  Give up on each call after SECONDS (default ${defaultTimeoutSeconds}).
    --json             Print one JSON document (see docs/cli.md) instead of text.
    -h, --help         Show this help.`;
}

/** The daemon these flags name. Usage errors for half a TLS setup or both kinds at once. */
export function endpointOf(command: string, values: ConnectionFlagValues, io: CliIo): Endpoint {
  const tlsFlags = (["tls-ca", "tls-cert", "tls-key", "tls-server-name"] as const).filter(
    (f) => values[f] !== undefined,
  );
  if (values.address === undefined) {
    if (tlsFlags.length > 0) throw usage(command, `--${tlsFlags[0]} needs --address`);
    const named = values.socket ?? nonEmpty(io.env.ENI_AGENT_SOCKET);
    if (named !== undefined) return { kind: "unix", socketPath: named };
    const found = defaultSocket(io.env);
    if (found.simulated) {
      io.stderr.write(
        `eni-agent: no daemon at ${DEFAULT_SOCKET_PATH}; using the simulated one at ${found.path}\n`,
      );
    }
    return { kind: "unix", socketPath: found.path };
  }
  if (values.socket !== undefined) throw usage(command, "give either --socket or --address");
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(values.address);
  const port = match ? Number(match[2]) : 0;
  if (match === null || port < 1 || port > 65_535) {
    throw usage(command, `--address needs HOST:PORT, got ${JSON.stringify(values.address)}`);
  }
  const missing = (["tls-ca", "tls-cert", "tls-key"] as const).filter(
    (f) => values[f] === undefined,
  );
  if (missing.length > 0) {
    throw new AgentError(
      "INVALID_ARGUMENT",
      `--address needs ${missing.map((f) => `--${f}`).join(", ")}: the daemon's TCP listener speaks mutual TLS only`,
      { remedy: `run 'eni-agent ${command} --help' for usage` },
    );
  }
  return {
    kind: "tcp",
    address: values.address,
    host: match[1]!.replace(/^\[|\]$/g, ""),
    port,
    tls: {
      ca: values["tls-ca"]!,
      cert: values["tls-cert"]!,
      key: values["tls-key"]!,
      serverName: values["tls-server-name"],
    },
  };
}

/** Where the daemon is and how long each call may wait for it, from the connection flags. */
export function connectionOf(
  command: string,
  values: ConnectionFlagValues,
  io: CliIo,
  defaultTimeoutSeconds: number,
): { endpoint: Endpoint; timeoutMs: number } {
  return {
    endpoint: endpointOf(command, values, io),
    timeoutMs: timeoutMsOf(command, values, defaultTimeoutSeconds),
  };
}

/** `--timeout SECONDS` in milliseconds; fractions allowed, at most a day. */
export function timeoutMsOf(
  command: string,
  values: ConnectionFlagValues,
  seconds: number,
): number {
  if (values.timeout === undefined) return seconds * 1000;
  const parsed = Number(values.timeout);
  if (!/^\d+(\.\d+)?$/.test(values.timeout) || parsed <= 0 || parsed > 86_400) {
    throw usage(
      command,
      `--timeout needs a number of seconds (0 < s <= 86400), got ${JSON.stringify(values.timeout)}`,
    );
  }
  return Math.round(parsed * 1000);
}

export function describeEndpoint(endpoint: Endpoint): string {
  return endpoint.kind === "unix" ? endpoint.socketPath : endpoint.address;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === "" ? undefined : text;
}
