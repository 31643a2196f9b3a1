/**
 * `eni-agent drain`: what the daemon does on a termination notice, now
 * (PrepareTermination): every DPDK-bound device back to the kernel, owned
 * ENIs detached, deleted or marked DeleteOnTermination per its configuration.
 */

import type { AgentClient } from "../../client/client.js";
import { isAgentError } from "../../common/index.js";
import type { CliIo } from "../command.js";
import { CONNECTION_FLAGS, connectionHelp, connectionOf } from "../daemon/connection-flags.js";
import { followEvents } from "../daemon/follow-events.js";
import { withDaemon } from "../daemon/open-daemon.js";
import { renderEvent } from "../daemon/render-events.js";
import { errorLine } from "../daemon/render-operations.js";
import {
  JSON_SCHEMA_VERSION,
  type OperationJson,
  operationJson,
  type PlanJson,
  planJson,
} from "../daemon/to-json.js";
import { COMMON_EXIT_LINES, EXIT_OK } from "../exit-codes.js";
import { noArguments, parseFlags } from "../flags.js";
import { cell, renderTable } from "../table.js";

export const HELP = `NAME
    eni-agent drain - prepare this instance for termination now

SYNOPSIS
    eni-agent drain [--dry-run] [--json] [--socket PATH | --address HOST:PORT ...]
                    [--timeout SECONDS]

DESCRIPTION
    Runs the daemon's termination plan (PrepareTermination), the one it runs
    by itself on a spot interruption, a scheduled retirement or an Auto
    Scaling termination:

      1. every device on a DPDK driver goes back to its kernel driver (a
         verified restore each; a device held by a DPDK process is reported,
         not forced);
      2. ENIs the daemon owns are detached and deleted, or marked
         DeleteOnTermination, as its configuration says; the primary ENI and
         ENIs it does not own are left alone (action "skip", with the reason).

    Progress (restores, releases) is printed on standard error as the daemon
    reports it, then a summary of every step. Run it from a lifecycle hook or
    before 'shutdown' when the notice does not come from instance metadata.
    Running it twice is safe: steps already done are skipped.

OPTIONS
    --dry-run          Print the plan and change nothing.
${connectionHelp(300)}

JSON
    {"version": 1, "dryRun": BOOL, "plan": PLAN, "operation": OPERATION|null}
    (docs/cli.md); the operation is null for a dry run.

EXIT STATUS
    0   every step succeeded (or was skipped with a reason); for --dry-run,
        the plan was printed
    1   a step failed (the summary and 'eni-agent ops ID' say which)
    4   a step was refused (e.g. a DPDK process still holds a device)
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent drain --dry-run
    eni-agent drain --json > /var/log/eni-agent-drain.json
`;

const FLAGS = { ...CONNECTION_FLAGS, "dry-run": { type: "boolean" } } as const;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("drain", argv, FLAGS);
  noArguments("drain", positionals);
  const { endpoint, timeoutMs } = connectionOf("drain", values, io, 300);
  const dryRun = values["dry-run"];
  return withDaemon(endpoint, { timeoutMs }, async (client) => {
    const result = dryRun ? await plan(client, io) : await drain(client, io, timeoutMs);
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ version: JSON_SCHEMA_VERSION, dryRun, ...result }, null, 2)}\n`
        : renderSummary(result.plan, result.operation, dryRun),
    );
    return EXIT_OK;
  });
}

interface DrainResult {
  plan: PlanJson;
  operation: OperationJson | null;
}

async function plan(client: AgentClient, io: CliIo): Promise<DrainResult> {
  const response = await client.prepareTermination({ dryRun: true }, { signal: io.signal });
  return { plan: planJson(response.plan), operation: null };
}

async function drain(client: AgentClient, io: CliIo, timeoutMs: number): Promise<DrainResult> {
  const follower = await followEvents(
    client,
    {
      kinds: [
        "EVENT_KIND_TERMINATION_PLANNED",
        "EVENT_KIND_OPERATION_PROGRESS",
        "EVENT_KIND_OPERATION_RESULT",
        "EVENT_KIND_ENI_RELEASED",
      ],
    },
    (event) => io.stderr.write(renderEvent(event)),
    timeoutMs,
  );
  try {
    const response = await client.prepareTermination({ dryRun: false }, { signal: io.signal });
    return {
      plan: planJson(response.plan),
      operation: response.operation === null ? null : operationJson(response.operation),
    };
  } catch (err) {
    // The steps' outcomes are in the termination operation: show them before the error.
    if (isAgentError(err) && err.operationId !== undefined && io.signal?.aborted !== true) {
      const op = await client.getOperation(err.operationId).catch(() => null);
      if (op !== null) io.stderr.write(renderFailedSteps(operationJson(op)));
    }
    throw err;
  } finally {
    await follower.stop();
    if (follower.problem !== null)
      io.stderr.write(`note: no progress shown: ${follower.problem}\n`);
  }
}

function renderSummary(plan: PlanJson, op: OperationJson | null, dryRun: boolean): string {
  const notice = plan.notice
    ? `notice: ${plan.notice.source} ${plan.notice.action}${plan.notice.deadline ? ` by ${plan.notice.deadline}` : ""}\n`
    : "";
  if (plan.steps.length === 0)
    return `${notice}nothing to do: no device on a DPDK driver, no owned ENI\n`;
  const rows = plan.steps.map((s) => [
    cell(s.eniId),
    cell(s.pciAddress),
    s.action,
    dryRun ? "planned" : s.status,
    s.reason,
  ]);
  const counts = new Map<string, number>();
  for (const s of plan.steps) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const tally = [...counts].map(([status, n]) => `${n} ${status}`).join(", ");
  const tail = dryRun
    ? `dry run: ${plan.steps.length} step(s) planned, nothing changed\n`
    : `drained: ${plan.steps.length} step(s): ${tally}${op ? `; operation ${op.id}` : ""}\n`;
  return `${notice}${renderTable(["ENI", "DEVICE", "ACTION", "STATUS", "REASON"], rows)}${tail}`;
}

function renderFailedSteps(op: OperationJson): string {
  const steps = op.steps.map((s) => `  ${s.status.padEnd(8)} ${s.description}\n`).join("");
  const error = op.error === null ? "" : `  ${errorLine(op.error)}\n`;
  return `termination operation ${op.id}: ${op.status}\n${steps}${error}`;
}
