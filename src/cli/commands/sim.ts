/**
 * `eni-agent sim`: scripts the simulated host that `serve --simulate` runs.
 * `serve --simulate` writes its fake endpoints and the fake IMDS's control
 * token next to its socket (`<socket>.sim.json`, mode 0600); `sim notice`
 * reads that file and posts to the fake IMDS's control path, which then
 * serves the notice on the real metadata paths. The daemon's watcher picks it
 * up as it would on EC2; `eni-agent watch` shows the release plan run.
 */
import { readFile, rm } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { AgentError, atomicWriteFile } from "../../common/index.js";
import type { CliIo } from "../command.js";
import { simulatedSocketPath } from "../daemon/default-socket.js";
import { COMMON_EXIT_LINES, EXIT_OK } from "../exit-codes.js";
import { parseFlags, usage } from "../flags.js";

export const HELP = `NAME
    eni-agent sim - script the simulated host of serve --simulate

SYNOPSIS
    eni-agent sim notice spot|asg|scheduled|rebalance [--in SECONDS]
                  [--action terminate|stop|hibernate] [--code CODE]
                  [--socket PATH] [--json]

DESCRIPTION
    Makes the simulated instance metadata service of a running
    'eni-agent serve --simulate' announce a notice, as EC2 would:

      spot        a spot interruption (instance-action) SECONDS ahead
                  (default 120), action --action (default terminate)
      asg         the Auto Scaling lifecycle state becomes Terminated,
                  after SECONDS (default 0)
      scheduled   a scheduled event --code (default instance-stop) whose
                  NotBefore is SECONDS ahead (default 120)
      rebalance   a rebalance recommendation, dated now (takes no --in)

    The daemon's watcher sees the notice on its next poll and, when the
    release policy acts on it, runs the release plan: run
    'eni-agent watch' in another terminal to follow it.

    The simulated endpoints are found in <socket>.sim.json, which
    serve --simulate writes next to its socket (and removes at stop).

OPTIONS
    --in SECONDS       How far ahead (see above); 0..86400.
    --action ACTION    Spot action: terminate, stop or hibernate.
    --code CODE        Scheduled event code: instance-stop, instance-retirement,
                       instance-reboot, system-reboot, system-maintenance.
    --socket PATH      The simulated daemon's socket (default $ENI_AGENT_SOCKET,
                       else the default socket of \`eni-agent serve --simulate\`:
                       $XDG_RUNTIME_DIR/eni-agent/eni-agent.sock).
    --json             Print the fake's answer as JSON, with "version": 1.
    -h, --help         Show this help.

EXIT STATUS
    0   the simulated IMDS serves the notice
    3   no simulated host runs behind that socket (no .sim.json file)
    6   the simulated host did not answer (stopped, stale file)
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent serve --simulate &
    eni-agent watch &
    eni-agent sim notice spot --in 30
    eni-agent sim notice asg
`;

const FLAGS = {
  in: { type: "string" },
  action: { type: "string" },
  code: { type: "string" },
  socket: { type: "string" },
  json: { type: "boolean" },
} as const;

const KINDS = ["spot", "asg", "scheduled", "rebalance"] as const;
type Kind = (typeof KINDS)[number];

/** What serve --simulate leaves next to its socket. */
interface SimEndpoints {
  readonly version: 1;
  readonly pid: number;
  /** Base URL of the fake IMDS (also its control path's). */
  readonly imds: string;
  readonly ec2: string;
  /** The simulated instance, for AttachNetworkInterface. */
  readonly instanceId: string;
  /** Authorizes the fake IMDS's control path. */
  readonly controlToken: string;
}

function simEndpointsPath(socket: string): string {
  return `${socket}.sim.json`;
}

/** Writes `<socket>.sim.json` (0600, replaced atomically). */
export async function writeSimEndpoints(socket: string, endpoints: SimEndpoints): Promise<void> {
  const path = simEndpointsPath(socket);
  await atomicWriteFile(dirname(path), basename(path), `${JSON.stringify(endpoints, null, 2)}\n`);
}

export async function removeSimEndpoints(socket: string): Promise<void> {
  await rm(simEndpointsPath(socket), { force: true });
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("sim", argv, FLAGS);
  const [verb, kind, extra] = positionals;
  if (verb !== "notice") {
    throw usage(
      "sim",
      verb === undefined
        ? "missing subcommand: notice"
        : `unknown subcommand ${JSON.stringify(verb)}`,
    );
  }
  if (kind === undefined || !(KINDS as readonly string[]).includes(kind)) {
    throw usage("sim", `sim notice needs one of ${KINDS.join(", ")}`);
  }
  if (extra !== undefined) throw usage("sim", `unexpected argument ${JSON.stringify(extra)}`);
  const body = requestOf(kind as Kind, values);
  const socket =
    values.socket ?? (io.env.ENI_AGENT_SOCKET || undefined) ?? simulatedSocketPath(io.env);
  const endpoints = await readEndpoints(socket);
  const answer = await post(endpoints, body, io.signal);
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ version: 1, ...answer })}\n`);
  } else {
    const detail = Object.entries(answer.detail ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    io.stdout.write(
      `simulated IMDS now serves a ${kind} notice (${detail})\n` +
        `follow the release plan: ENI_AGENT_SOCKET=${socket} eni-agent watch\n`,
    );
  }
  return EXIT_OK;
}

function requestOf(
  kind: Kind,
  values: { in?: string | undefined; action?: string | undefined; code?: string | undefined },
): Record<string, unknown> {
  const request: Record<string, unknown> = { kind };
  if (values.in !== undefined) {
    if (kind === "rebalance") throw usage("sim", "a rebalance recommendation takes no --in");
    const seconds = Number(values.in);
    if (!/^\d+(\.\d+)?$/.test(values.in) || seconds > 86_400) {
      throw usage("sim", `--in needs seconds in 0..86400, got ${JSON.stringify(values.in)}`);
    }
    request.inSeconds = seconds;
  }
  if (values.action !== undefined) {
    if (kind !== "spot") throw usage("sim", "--action goes with spot");
    if (!["terminate", "stop", "hibernate"].includes(values.action)) {
      throw usage("sim", "--action must be terminate, stop or hibernate");
    }
    request.action = values.action;
  }
  if (values.code !== undefined) {
    if (kind !== "scheduled") throw usage("sim", "--code goes with scheduled");
    request.code = values.code;
  }
  return request;
}

async function readEndpoints(socket: string): Promise<SimEndpoints> {
  const path = simEndpointsPath(socket);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    throw new AgentError(
      errno === "ENOENT" ? "NOT_FOUND" : "UNAVAILABLE",
      `no simulated host behind ${socket}: cannot read ${path} (${errno})`,
      { errno, path, remedy: "start one with 'eni-agent serve --simulate', or pass its --socket" },
    );
  }
  let value: Partial<SimEndpoints> | null = null;
  try {
    value = JSON.parse(text) as Partial<SimEndpoints> | null;
  } catch {
    // A torn or foreign file: refused below like any file that is not ours.
  }
  if (value?.version !== 1 || typeof value.imds !== "string" || !value.controlToken) {
    throw new AgentError(
      "FAILED_PRECONDITION",
      `${path} is not a simulated host's endpoints file`,
      {
        path,
      },
    );
  }
  return value as SimEndpoints;
}

async function post(
  endpoints: SimEndpoints,
  body: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<{ kind: string; detail?: Record<string, string>; error?: string }> {
  const timeout = AbortSignal.timeout(5_000);
  let response: Response;
  try {
    response = await fetch(`${endpoints.imds}/_sim/notice`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-eni-agent-sim-token": endpoints.controlToken,
      },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    throw new AgentError(
      "UNAVAILABLE",
      `the simulated host (pid ${endpoints.pid}) did not answer at ${endpoints.imds}`,
      { cause: err, remedy: "is serve --simulate still running? its endpoints file may be stale" },
    );
  }
  const answer = (await response.json().catch(() => ({}))) as {
    kind: string;
    detail?: Record<string, string>;
    error?: string;
  };
  if (!response.ok) {
    throw new AgentError(
      response.status === 403 ? "PERMISSION_DENIED" : "INVALID_ARGUMENT",
      `the simulated IMDS refused the notice: ${answer.error ?? response.status}`,
    );
  }
  return answer;
}
