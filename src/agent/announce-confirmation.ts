/**
 * A bind on trial began or ended its wait (the engine's `confirmation`
 * event): the API event that says so, and a line in the log. An ended wait
 * (a later operation began on the device) has no API event of its own: the
 * later operation's events say what happened.
 */
import type { ProgressEvent } from "../driver/index.js";
import type { AgentEventPayload, OperationStatus } from "../server/core-types.js";
import type { AgentLog } from "./agent-log.js";

export interface AnnounceDeps {
  log: AgentLog;
  emit(payload: AgentEventPayload): void;
  /** The API status of an operation (the revert's), if known. */
  statusOf(operationId: string): OperationStatus | undefined;
  /** The device listing shows the confirmation: it must be read again. */
  invalidate(): void;
}

export function announceConfirmation(
  event: Extract<ProgressEvent, { type: "confirmation" }>,
  deps: AnnounceDeps,
): void {
  const { operationId, device: pciAddress, by } = event;
  const deadline = new Date(event.deadline);
  const fields = { op: operationId, device: pciAddress, deadline: event.deadline, by };
  switch (event.state) {
    case "pending":
      deps.log.info(fields, "bind on trial awaits confirmation");
      deps.emit({ kind: "confirmation_pending", operationId, pciAddress, deadline });
      return;
    case "confirmed":
      deps.log.info(fields, "bind on trial confirmed");
      deps.emit({ kind: "confirmed", operationId, pciAddress, by: by ?? "request" });
      return;
    case "reverted": {
      const revertStatus = deps.statusOf(by ?? "") ?? "failed";
      deps.log.warn(
        { ...fields, revertStatus },
        "bind on trial not confirmed by its deadline: reverted",
      );
      deps.emit({
        kind: "reverted_unconfirmed",
        operationId,
        pciAddress,
        deadline,
        revertOperationId: by ?? "",
        revertStatus,
      });
      return;
    }
    case "ended":
      deps.log.info(fields, "bind on trial awaits no more: a later operation began");
      deps.invalidate();
      return;
  }
}
