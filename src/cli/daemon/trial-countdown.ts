/**
 * After `bind --try`: how to confirm, and on a terminal a countdown to the
 * deadline that ends when the bind is confirmed (here or anywhere), when
 * the daemon reverts it, or on Ctrl-C (which stops the countdown, never the
 * trial). Not on a pipe and not with --json: scripts confirm by themselves.
 */

import type { AgentClient } from "../../client/client.js";
import { wallClock } from "../../common/clock.js";
import type { CliIo } from "../command.js";
import { EXIT_FAILURE, EXIT_OK } from "../exit-codes.js";
import { followEvents } from "./follow-events.js";
import { operationJson } from "./to-json.js";
import { describeWindow } from "./trial-window.js";

export interface Trial {
  operationId: string;
  pciAddress: string;
  /** ISO-8601. */
  deadline: string;
}

/** How long past the deadline the countdown waits for the daemon's revert. */
const REVERT_GRACE_MS = 30_000;

export function renderTrial(trial: Trial): string {
  return (
    `${trial.pciAddress}: on trial until ${trial.deadline}: confirm with\n` +
    `    eni-agent confirm ${trial.operationId}\n` +
    "  or the agent restores the device to its kernel driver at that time\n"
  );
}

type Outcome =
  | { kind: "confirmed"; by: string }
  | { kind: "reverted"; revertOperationId: string; revertStatus: string };

export async function countDown(
  client: AgentClient,
  trial: Trial,
  io: CliIo,
  subscribeTimeoutMs: number,
): Promise<number> {
  const clock = io.clock ?? wallClock;
  const ended = new AbortController();
  let outcome: Outcome | null = null;
  const settle = (found: Outcome): void => {
    outcome ??= found;
    ended.abort();
  };
  const watch = await followEvents(
    client,
    {
      pciAddress: trial.pciAddress,
      kinds: ["EVENT_KIND_CONFIRMED", "EVENT_KIND_REVERTED_UNCONFIRMED"],
    },
    (e) => {
      if (e.kind === "confirmed" && e.operationId === trial.operationId) {
        settle({ kind: "confirmed", by: e.by ?? "request" });
      } else if (e.kind === "reverted_unconfirmed" && e.operationId === trial.operationId) {
        settle({
          kind: "reverted",
          revertOperationId: e.revertOperationId ?? "",
          revertStatus: e.revertStatus,
        });
      }
    },
    subscribeTimeoutMs,
  );
  // Confirmed before the subscription began: the operation says so.
  await settleFromOperation(client, trial, settle);
  const stop = io.signal === undefined ? ended.signal : AbortSignal.any([ended.signal, io.signal]);
  const deadlineMs = Date.parse(trial.deadline);
  try {
    while (!stop.aborted) {
      const leftMs = deadlineMs - Date.parse(clock.isoNow());
      if (leftMs <= -REVERT_GRACE_MS) break;
      const left = leftMs > 0 ? describeWindow(leftMs) : "0s (reverting)";
      io.stdout.write(
        `\r\x1b[K${trial.pciAddress}: ${left} left to confirm: eni-agent confirm ${trial.operationId}`,
      );
      // On the second boundaries, so the count goes down one by one.
      const sleepMs = leftMs > 0 ? leftMs % 1_000 || 1_000 : 1_000;
      await clock.sleep(sleepMs, stop).catch(() => {});
    }
  } finally {
    await watch.stop();
    io.stdout.write("\r\x1b[K");
  }
  if (outcome === null) await settleFromOperation(client, trial, settle);
  return report(trial, outcome, io);
}

async function settleFromOperation(
  client: AgentClient,
  trial: Trial,
  settle: (found: Outcome) => void,
): Promise<void> {
  const op = operationJson(await client.getOperation(trial.operationId));
  const c = op.confirmation;
  if (c?.state === "confirmed") settle({ kind: "confirmed", by: c.by ?? "request" });
  if (c?.state === "reverted" && c.by !== null) {
    const revert = await client.getOperation(c.by).catch(() => null);
    settle({
      kind: "reverted",
      revertOperationId: c.by,
      revertStatus: revert === null ? "unknown" : operationJson(revert).status,
    });
  }
}

function report(trial: Trial, outcome: Outcome | null, io: CliIo): number {
  const { pciAddress, operationId, deadline } = trial;
  if (outcome === null) {
    io.stdout.write(
      `${pciAddress}: stopped counting down; operation ${operationId} still awaits confirmation until ${deadline}\n`,
    );
    return EXIT_OK;
  }
  if (outcome.kind === "confirmed") {
    io.stdout.write(`${pciAddress}: confirmed (${outcome.by}); the binding is final\n`);
    return EXIT_OK;
  }
  const home = outcome.revertStatus === "succeeded";
  io.stdout.write(
    `${pciAddress}: not confirmed by ${deadline}: operation ${outcome.revertOperationId} ${
      home
        ? "restored it to its kernel driver, verified"
        : `tried to restore it (${outcome.revertStatus})`
    }\n`,
  );
  return EXIT_FAILURE;
}
