/**
 * `eni-agent watch`: the daemon's events, one line each, until Ctrl-C. When
 * the stream breaks (the daemon restarts, its socket goes away) it says so on
 * stderr and reconnects with capped exponential backoff; events emitted while
 * disconnected are not replayed by the daemon, and the note says that too.
 */

import type { AgentClient } from "../../client/client.js";
import { AgentError, isAgentError, sleep } from "../../common/index.js";
import type { EventKind } from "../../server/generated/eniagent/v1/EventKind.js";
import type { CliIo } from "../command.js";
import {
  CONNECTION_FLAGS,
  connectionHelp,
  connectionOf,
  describeEndpoint,
  type Endpoint,
} from "../daemon/connection-flags.js";
import { pciAddressOf } from "../daemon/device-selector.js";
import { openDaemon } from "../daemon/open-daemon.js";
import { renderEvent } from "../daemon/render-events.js";
import { eventJson, JSON_SCHEMA_VERSION } from "../daemon/to-json.js";
import { COMMON_EXIT_LINES, EXIT_NO_DAEMON, EXIT_OK, exitCodeFor } from "../exit-codes.js";
import { noArguments, parseFlags, usage } from "../flags.js";

const KINDS = [
  "device_added",
  "device_removed",
  "driver_changed",
  "operation_progress",
  "operation_result",
  "drift_found",
  "termination_notice",
  "termination_planned",
  "eni_released",
  "health_changed",
  "confirmation_pending",
  "confirmed",
  "reverted_unconfirmed",
  "eni_phase_changed",
] as const;

export const HELP = `NAME
    eni-agent watch - stream the daemon's events until Ctrl-C

SYNOPSIS
    eni-agent watch [--device DEVICE] [--kind KIND[,KIND...]] [--count N] [--json]
                    [--socket PATH | --address HOST:PORT ...] [--timeout SECONDS]

DESCRIPTION
    Subscribes to the daemon's events (WatchEvents) and prints one line per
    event: time, sequence number, kind, and what happened. Kinds:

      device_added, device_removed   hot-attach and hot-detach of an ENI
      driver_changed                 a driver change, with the operation that
                                     made it ("not by eni-agent" otherwise)
      operation_progress             an operation advanced a step
      operation_result               an operation finished
      drift_found                    a device left its persisted binding
      termination_notice             metadata announced a termination
      termination_planned            the termination plan was computed
      eni_released                   an ENI was detached, deleted or marked
      health_changed                 the daemon's health changed
      confirmation_pending           a bind on trial awaits confirmation
      confirmed                      a bind on trial was confirmed
      reverted_unconfirmed           a bind on trial was reverted: not
                                     confirmed by its deadline
      eni_phase_changed              an ENI of the controller contract changed
                                     phase (docs/controllers.md)

    Sequence numbers increase by one per event the daemon emits; a gap means
    events were filtered out (by --device or --kind) or dropped.

    If the stream breaks (the daemon restarts or stops), watch says so on
    standard error and reconnects with backoff (0.5 s doubling up to 10 s)
    until Ctrl-C. Events emitted while disconnected are lost: the daemon
    does not replay them. If no daemon answers when watch starts, it exits 8.

OPTIONS
    --device DEVICE    Only events about this device (PCI address, MAC, ENI id
                       or interface name); events that concern no device
                       (termination, health) are always shown.
    --kind KINDS       Only these kinds, comma-separated.
    --count N          Exit 0 after N events.
${connectionHelp(10)}

JSON
    One JSON object per line (JSON Lines): {"version", "sequence", "time",
    "kind", ...} with the payload's fields (docs/cli.md). Notes stay on standard error.

EXIT STATUS
    0   stopped by Ctrl-C, or --count events were printed
    3   no such device (--device)
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent watch
    eni-agent watch --device ens6 --kind operation_progress,operation_result
    eni-agent watch --json | jq -c 'select(.kind == "drift_found")'
`;

const FLAGS = {
  ...CONNECTION_FLAGS,
  device: { type: "string" },
  kind: { type: "string" },
  count: { type: "string" },
} as const;

/** Reconnect delays: 0.5 s doubling, at most 10 s. */
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("watch", argv, FLAGS);
  noArguments("watch", positionals);
  const kinds = kindsOf(values.kind);
  const count = values.count === undefined ? null : Number(values.count);
  if (count !== null && (!/^\d+$/.test(values.count ?? "") || count < 1))
    throw usage("watch", "--count needs a positive integer");
  const { endpoint, timeoutMs } = connectionOf("watch", values, io, 10);
  const signal = io.signal ?? new AbortController().signal;

  let client = await openDaemon(endpoint, { timeoutMs });
  try {
    const opened = client;
    const pciAddress =
      values.device === undefined
        ? ""
        : await pciAddressOf(values.device, (selector) => opened.getDevice(selector, { signal }));
    let printed = 0;
    let connected = false;
    // Breaks since the last confirmed subscription: a daemon that accepts
    // connections but keeps failing the stream backs off like an absent one.
    let breaks = 0;
    for (;;) {
      let problem: string;
      try {
        const stream = client.watchEvents(
          { pciAddress, kinds },
          {
            signal,
            onSubscribed: () => {
              io.stderr.write(
                connected
                  ? `note: reconnected to ${describeEndpoint(endpoint)}; events in between were missed\n`
                  : `watching events at ${describeEndpoint(endpoint)} (Ctrl-C to stop)\n`,
              );
              connected = true;
              breaks = 0;
            },
          },
        );
        for await (const event of stream) {
          const json = eventJson(event);
          io.stdout.write(
            values.json
              ? `${JSON.stringify({ version: JSON_SCHEMA_VERSION, ...json })}\n`
              : renderEvent(json),
          );
          printed += 1;
          if (count !== null && printed >= count) return EXIT_OK;
        }
        if (signal.aborted) return EXIT_OK;
        problem = "the daemon ended the stream";
      } catch (err) {
        if (signal.aborted) return EXIT_OK;
        if (!transient(err)) throw err;
        problem = (err as AgentError).message;
      }
      client.close();
      io.stderr.write(`note: lost the event stream (${problem}); reconnecting\n`);
      const next = await reconnect(endpoint, timeoutMs, io, signal, breaks++);
      if (next === null) return EXIT_OK;
      client = next;
    }
  } finally {
    client.close();
  }
}

/** Breaks a restart explains; anything else (permission, bad request) ends the command. */
function transient(err: unknown): boolean {
  return (
    isAgentError(err) &&
    (err.code === "UNAVAILABLE" || err.code === "ABORTED" || err.code === "DEADLINE_EXCEEDED")
  );
}

/** Opens a client again, backing off while no daemon answers; null once the signal aborts. */
async function reconnect(
  endpoint: Endpoint,
  timeoutMs: number,
  io: CliIo,
  signal: AbortSignal,
  firstAttempt: number,
): Promise<AgentClient | null> {
  for (let attempt = firstAttempt; ; attempt++) {
    const delayMs = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
    try {
      await sleep(delayMs, signal);
    } catch {
      return null;
    }
    try {
      return await openDaemon(endpoint, { timeoutMs });
    } catch (err) {
      if (exitCodeFor(err) !== EXIT_NO_DAEMON) throw err;
      const next = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt + 1)) / 1000;
      io.stderr.write(`note: ${(err as AgentError).message}; retrying in ${next} s\n`);
    }
  }
}

function kindsOf(text: string | undefined): EventKind[] {
  if (text === undefined) return [];
  return text.split(",").map((word) => {
    const kind = word.trim();
    if (!(KINDS as readonly string[]).includes(kind)) {
      throw new AgentError("INVALID_ARGUMENT", `unknown event kind ${JSON.stringify(kind)}`, {
        remedy: `use one or more of ${KINDS.join(", ")}`,
      });
    }
    return `EVENT_KIND_${kind.toUpperCase()}` as EventKind;
  });
}
