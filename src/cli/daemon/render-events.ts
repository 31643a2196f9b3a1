/** One line per event for `watch`: time, sequence, kind, then what happened. */
import { cell } from "../table.js";
import type { EventJson } from "./to-json.js";

export function renderEvent(e: EventJson): string {
  return `${e.time ?? "-"}  #${e.sequence}  ${e.kind.padEnd(19)}  ${what(e)}\n`;
}

function what(e: EventJson): string {
  switch (e.kind) {
    case "device_added": {
      const d = e.device;
      if (d === null) return "";
      const eni = d.identity.eniId ? `, ${d.identity.eniId}` : "";
      return `${d.pciAddress} on ${cell(d.driver)} (${d.state}${eni})`;
    }
    case "device_removed":
      return `${e.pciAddress}${e.identity.eniId ? ` (${e.identity.eniId})` : ""}`;
    case "driver_changed": {
      const by = e.operationId ? ` (${e.operationId})` : " (not by eni-agent)";
      return `${e.pciAddress} ${cell(e.fromDriver)} -> ${cell(e.toDriver)}${by}`;
    }
    case "operation_progress":
    case "operation_result": {
      const op = e.operation;
      if (op === null) return "";
      const running = op.steps.findIndex((s) => s.status === "running");
      const step =
        e.kind === "operation_progress" && running >= 0
          ? `: [${running + 1}/${op.steps.length}] ${op.steps[running]!.description}`
          : "";
      const error = op.error ? `: ${op.error.message}` : "";
      return `${op.id} ${op.kind} ${cell(op.pciAddress)} ${cell(op.fromDriver)} -> ${cell(op.toDriver)} ${op.status}${step}${error}`;
    }
    case "drift_found":
      return `${e.pciAddress} wants ${cell(e.expectedDriver)}, is on ${cell(e.actualDriver)}${e.detail ? `: ${e.detail}` : ""}`;
    case "termination_notice":
      return e.notice
        ? `${e.notice.source} ${e.notice.action}${e.notice.deadline ? ` by ${e.notice.deadline}` : ""}`
        : "";
    case "termination_planned":
      return `${e.plan.steps.length} step(s)${e.plan.deadline ? `, deadline ${e.plan.deadline}` : ""}`;
    case "eni_released":
      return `${e.eniId} ${e.action}${e.pciAddress ? ` (${e.pciAddress})` : ""}`;
    case "health_changed": {
      const bad = e.health.components
        .filter((c) => !c.healthy)
        .map((c) => `; ${c.name}: ${c.detail ?? "unhealthy"}`)
        .join("");
      return `${e.health.serving ? "serving" : "NOT SERVING"}${bad}`;
    }
    case "confirmation_pending":
      return `${e.operationId} on ${cell(e.pciAddress)} awaits confirmation until ${cell(e.deadline)}`;
    case "confirmed":
      return `${e.operationId} on ${cell(e.pciAddress)} confirmed (${cell(e.by)})`;
    case "reverted_unconfirmed":
      return `${e.operationId} on ${cell(e.pciAddress)} not confirmed by ${cell(e.deadline)}: reverted by ${cell(e.revertOperationId)} (${e.revertStatus})`;
    case "eni_phase_changed":
      return `${e.eniId} ${e.phase} (generation ${e.observedGeneration}/${e.generation}, ${e.owner ?? "no owner"})${e.pciAddress ? ` at ${e.pciAddress}` : ""}${e.detail ? `: ${e.detail}` : ""}`;
    default:
      return "";
  }
}
