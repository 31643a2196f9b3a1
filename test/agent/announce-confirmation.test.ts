/**
 * The engine's confirmation events as the API and the metrics see them
 * (issue 16): pending, confirmed and reverted become their own events with
 * the revert's status; an ended wait has none; reverts are counted by
 * outcome.
 */
import { Writable } from "node:stream";
import t from "tap";
import { createLog } from "../../src/agent/agent-log.js";
import { AgentMetrics } from "../../src/agent/agent-metrics.js";
import { announceConfirmation } from "../../src/agent/announce-confirmation.js";
import type { PciAddress } from "../../src/common/index.js";
import type { ProgressEvent } from "../../src/driver/index.js";
import type { AgentEventPayload } from "../../src/server/core-types.js";

const device = "0000:00:06.0" as PciAddress;
const deadline = "2026-01-01T00:01:00.000Z";

function event(
  state: "pending" | "confirmed" | "reverted" | "ended",
  by: string | null,
  revertOutcome: "committed" | "rolled_back" | null = null,
): Extract<ProgressEvent, { type: "confirmation" }> {
  return { type: "confirmation", operationId: "op-1", device, state, deadline, by, revertOutcome };
}

t.test("each state's event, and the log line", async (t) => {
  const lines: Record<string, unknown>[] = [];
  const log = createLog(
    "info",
    new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const emitted: AgentEventPayload[] = [];
  let invalidated = 0;
  const deps = {
    log,
    emit: (p: AgentEventPayload) => emitted.push(p),
    statusOf: (id: string) => (id === "op-2" ? ("succeeded" as const) : undefined),
    invalidate: () => {
      invalidated += 1;
    },
  };
  announceConfirmation(event("pending", null), deps);
  announceConfirmation(event("confirmed", "probe"), deps);
  announceConfirmation(event("reverted", "op-2", "committed"), deps);
  announceConfirmation(event("reverted", "op-3", "rolled_back"), deps);
  announceConfirmation(event("ended", "op-4"), deps);
  t.same(emitted, [
    {
      kind: "confirmation_pending",
      operationId: "op-1",
      pciAddress: device,
      deadline: new Date(deadline),
    },
    { kind: "confirmed", operationId: "op-1", pciAddress: device, by: "probe" },
    {
      kind: "reverted_unconfirmed",
      operationId: "op-1",
      pciAddress: device,
      deadline: new Date(deadline),
      revertOperationId: "op-2",
      revertStatus: "succeeded",
    },
    {
      kind: "reverted_unconfirmed",
      operationId: "op-1",
      pciAddress: device,
      deadline: new Date(deadline),
      revertOperationId: "op-3",
      revertStatus: "failed",
    },
  ]);
  t.equal(invalidated, 1, "an ended wait only changes what the listing shows");
  t.match(
    lines.map((l) => l.msg),
    [/awaits confirmation/, /confirmed/, /reverted/, /reverted/, /awaits no more/],
  );
});

t.test("eni_agent_unconfirmed_reverts_total counts reverts by outcome", async (t) => {
  const metrics = new AgentMetrics(
    { degradedDevices: () => 0, stuckDevices: () => 0 },
    { address: () => null },
  );
  metrics.observe(event("pending", null));
  metrics.observe(event("reverted", "op-2", "committed"));
  metrics.observe(event("reverted", "op-3", "committed"));
  metrics.observe(event("reverted", "op-4", "rolled_back"));
  metrics.observe(event("confirmed", "request"));
  const text = await metrics.text();
  t.match(text, /eni_agent_unconfirmed_reverts_total\{result="committed"\} 2/);
  t.match(text, /eni_agent_unconfirmed_reverts_total\{result="rolled_back"\} 1/);
});
