/**
 * `eni-agent ready`: is the daemon serving with its start-up done? The unit
 * runs `ready --wait` as ExecStartPost=, so that systemd reports eni-agent
 * started (and starts units ordered after it, such as a DPDK application)
 * only once recovery ran and the boot-time bindings are applied or failed
 * with a logged reason. Node has no AF_UNIX datagram socket for sd_notify;
 * asking the daemon's own health service needs none.
 */

import type { AgentClient } from "../../client/client.js";
import { AgentError, isAgentError } from "../../common/index.js";
import type { CliIo } from "../command.js";
import {
  CONNECTION_FLAGS,
  connectionHelp,
  connectionOf,
  describeEndpoint,
  type Endpoint,
} from "../daemon/connection-flags.js";
import { openDaemon } from "../daemon/open-daemon.js";
import { COMMON_EXIT_LINES, DAEMON_CONNECT_SYSCALL, EXIT_OK } from "../exit-codes.js";
import { noArguments, parseFlags, usage } from "../flags.js";

export const HELP = `NAME
    eni-agent ready - wait until the daemon serves and its start-up is done

SYNOPSIS
    eni-agent ready [--wait SECONDS] [--socket PATH | --address HOST:PORT ...]
                    [--timeout SECONDS] [--json]

DESCRIPTION
    Asks the daemon's health service (grpc.health.v1) whether it serves
    (recovery of unfinished operations is done) and whether its "startup"
    component is healthy: every desired binding of the configuration and of
    persisted requests was applied, or failed with a reason in the log.

    Without --wait, asks once. With --wait, asks again every 200 ms until
    the daemon is ready or SECONDS have passed; a daemon that does not
    answer yet (no socket: it is still recovering) counts as not ready.

    The unit runs it as ExecStartPost=, so "systemctl start eni-agent"
    returns, and units with After=eni-agent.service start, only when the
    devices are where the configuration wants them.

OPTIONS
    --wait SECONDS     Keep asking for up to SECONDS (0 < s <= 86400).
${connectionHelp(5)}

JSON
    {"version": 1, "ready": true, "endpoint": STRING, "waitedMs": NUMBER};
    not ready, the error document of docs/cli.md (exit 6 or 8)

EXIT STATUS
    0   ready
    6   the daemon answers but is not ready (still starting, or stopping)
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent ready
    eni-agent ready --wait 150
`;

const FLAGS = { ...CONNECTION_FLAGS, wait: { type: "string" } } as const;

const POLL_MS = 200;

/** What one question to the daemon found. */
export type Readiness = { ready: true } | { ready: false; error: AgentError };

interface WaitOptions {
  /** Give up after this long; 0 asks once. */
  waitMs: number;
  pollMs: number;
  /** Monotonic milliseconds. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

/**
 * Asks `ask` until it answers ready or `waitMs` has passed. Errors that say
 * "not reachable (yet)" or "not ready" are retried; anything else (a usage
 * error, no permission on the socket) ends the wait at once.
 */
export async function waitReady(
  ask: () => Promise<Readiness>,
  options: WaitOptions,
): Promise<Readiness & { waitedMs: number }> {
  const start = options.now();
  for (;;) {
    const answer = await ask();
    const waitedMs = options.now() - start;
    if (answer.ready || !retryable(answer.error) || waitedMs >= options.waitMs) {
      return { ...answer, waitedMs };
    }
    if (options.signal?.aborted) return { ...answer, waitedMs };
    await options.sleep(Math.min(options.pollMs, options.waitMs - waitedMs));
  }
}

function retryable(error: AgentError): boolean {
  if (error.syscall === DAEMON_CONNECT_SYSCALL) {
    return error.errno === "ENOENT" || error.errno === "ECONNREFUSED";
  }
  return error.code === "UNAVAILABLE" || error.code === "DEADLINE_EXCEEDED";
}

/** One question: serving, and the startup component healthy. */
async function askReadiness(client: AgentClient, signal?: AbortSignal): Promise<Readiness> {
  const serving = await client.checkHealth("", { signal });
  if (serving !== "SERVING") {
    return notReady(`the daemon answers ${serving} (recovering, or stopping)`);
  }
  let startup: string;
  try {
    startup = await client.checkHealth("startup", { signal });
  } catch (err) {
    if (isAgentError(err) && err.code === "NOT_FOUND") {
      throw new AgentError(
        "FAILED_PRECONDITION",
        "the daemon does not report its start-up (it is older than this command)",
        { remedy: "restart the daemon so that it runs the installed version" },
      );
    }
    throw err;
  }
  if (startup !== "SERVING") return notReady("start-up not done: applying desired bindings");
  return { ready: true };
}

function notReady(reason: string): Readiness {
  return { ready: false, error: new AgentError("UNAVAILABLE", reason) };
}

async function askOnce(endpoint: Endpoint, timeoutMs: number, io: CliIo): Promise<Readiness> {
  try {
    const client = await openDaemon(endpoint, { timeoutMs });
    try {
      return await askReadiness(client, io.signal);
    } finally {
      client.close();
    }
  } catch (err) {
    if (!isAgentError(err)) throw err;
    return { ready: false, error: err };
  }
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("ready", argv, FLAGS);
  noArguments("ready", positionals);
  const { endpoint, timeoutMs } = connectionOf("ready", values, io, 5);
  const waitMs = waitMsOf(values.wait);
  const result = await waitReady(() => askOnce(endpoint, timeoutMs, io), {
    waitMs,
    pollMs: POLL_MS,
    now: () => performance.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...(io.signal ? { signal: io.signal } : {}),
  });
  if (result.ready) {
    const where = describeEndpoint(endpoint);
    const waitedMs = Math.round(result.waitedMs);
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ version: 1, ready: true, endpoint: where, waitedMs })}\n`
        : `eni-agent at ${where}: ready\n`,
    );
    return EXIT_OK;
  }
  if (waitMs > 0 && retryable(result.error)) {
    throw new AgentError(
      result.error.code,
      `not ready after ${values.wait} s: ${result.error.message}`,
      { ...result.error.details(), cause: result.error },
    );
  }
  throw result.error;
}

/** `--wait SECONDS` in milliseconds; 0 without the flag (ask once). */
function waitMsOf(wait: string | undefined): number {
  if (wait === undefined) return 0;
  const seconds = Number(wait);
  if (!/^\d+(\.\d+)?$/.test(wait) || seconds <= 0 || seconds > 86_400) {
    throw usage(
      "ready",
      `--wait needs a number of seconds (0 < s <= 86400), got ${JSON.stringify(wait)}`,
    );
  }
  return Math.round(seconds * 1000);
}
