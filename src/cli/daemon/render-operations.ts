/** Operations as people read them: the `ops` table, one operation in detail, a plan. */
import { cell, renderTable } from "../table.js";
import type { ErrorJson, OperationJson } from "./to-json.js";

export function renderOperationTable(ops: readonly OperationJson[]): string {
  if (ops.length === 0) return "no operations\n";
  const rows = ops.map((o) => [
    o.id,
    cell(o.createdAt),
    o.kind,
    cell(o.pciAddress),
    `${cell(o.fromDriver)} -> ${cell(o.toDriver)}`,
    o.status,
    o.durationMs === null ? "-" : `${o.durationMs} ms`,
  ]);
  let out = renderTable(
    ["OPERATION", "STARTED", "KIND", "DEVICE", "DRIVER", "STATUS", "TOOK"],
    rows,
  );
  const failed = ops.filter((o) => o.error !== null);
  if (failed.length > 0) {
    out += `\n${failed.map((o) => `  ${o.id}: ${errorLine(o.error!)}\n`).join("")}`;
  }
  const awaiting = ops.filter((o) => o.confirmation?.state === "pending");
  if (awaiting.length > 0) {
    out += `\nawaiting confirmation:\n${awaiting
      .map(
        (o) =>
          `  ${o.id} (${cell(o.pciAddress)}): ${describeConfirmation(o.id, o.confirmation!)}\n`,
      )
      .join("")}`;
  }
  return out;
}

/** Where a bind on trial stands, one line, with the command that confirms it while it waits. */
export function describeConfirmation(
  id: string,
  c: { deadline: string | null; state: string; by: string | null },
): string {
  switch (c.state) {
    case "pending":
      return `awaits confirmation until ${c.deadline ?? "?"}: eni-agent confirm ${id}`;
    case "confirmed":
      return `confirmed (${c.by ?? "request"}) before ${c.deadline ?? "?"}`;
    case "reverted":
      return `not confirmed by ${c.deadline ?? "?"}: reverted by ${c.by ?? "?"}`;
    default:
      return `awaited confirmation until ${c.deadline ?? "?"}; ${c.by ?? "a later operation"} began on the device first`;
  }
}

/** Message, then guard / errno / syscall / path in brackets when set. */
export function errorLine(error: ErrorJson): string {
  const facts = [
    error.guard ? `guard ${error.guard}` : "",
    error.errno ? `${error.errno}${error.syscall ? ` from ${error.syscall}` : ""}` : "",
    error.path ? `on ${error.path}` : "",
    error.awsCode ? `AWS ${error.awsCode}` : "",
  ].filter(Boolean);
  return `${error.code}: ${error.message}${facts.length > 0 ? ` [${facts.join(", ")}]` : ""}`;
}

const STEP_MARK: Readonly<Record<string, string>> = {
  done: "done",
  failed: "FAILED",
  undone: "undone",
  skipped: "skipped",
  running: "running",
  pending: "pending",
};

export function renderOperationDetail(o: OperationJson): string {
  const lines = [
    `Operation:  ${o.id}`,
    `Kind:       ${o.kind}${o.dryRun ? " (dry run)" : ""}${o.force ? " (forced)" : ""}${o.persist ? " (persist)" : ""}`,
    `Device:     ${cell(o.pciAddress)}`,
    `Driver:     ${cell(o.fromDriver)} -> ${cell(o.toDriver)}`,
    `Status:     ${o.status}`,
    `Started:    ${cell(o.createdAt)}`,
    `Finished:   ${cell(o.finishedAt)}${o.durationMs === null ? "" : ` (${o.durationMs} ms)`}`,
    `Requested:  ${cell(o.requestedBy)}`,
    ...(o.confirmation === null
      ? []
      : [`Confirm:    ${describeConfirmation(o.id, o.confirmation)}`]),
    "Steps:",
    ...renderSteps(o),
  ];
  if (o.error !== null) {
    lines.push(`Error:      ${errorLine(o.error)}`);
    if (o.error.remedy) lines.push(`Remedy:     ${o.error.remedy}`);
  }
  return `${lines.join("\n")}\n`;
}

function renderSteps(o: OperationJson): string[] {
  if (o.steps.length === 0) return ["  (none: nothing to do)"];
  const width = Math.max(...o.steps.map((s) => (STEP_MARK[s.status] ?? s.status).length));
  return o.steps.map((s, i) => {
    const write = s.path === null ? "" : `  (${JSON.stringify(s.value ?? "")} > ${s.path})`;
    return `  ${String(i + 1).padStart(2)}. ${(STEP_MARK[s.status] ?? s.status).padEnd(width)}  ${s.description}${write}`;
  });
}

/** A dry run's answer: what would be done, nothing written. */
export function renderPlan(o: OperationJson): string {
  const head = `${o.kind} ${cell(o.pciAddress)}: ${cell(o.fromDriver)} -> ${cell(o.toDriver)} (dry run: nothing written)\n`;
  return `${head}${o.steps.map((s, i) => `  ${i + 1}. ${s.description}\n`).join("") || "  nothing to do: the device is already there\n"}`;
}
