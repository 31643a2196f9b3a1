/**
 * bind and restore through the daemon. The order matters:
 *
 *   1. resolve DEVICE to its PCI address (GetDevice), so the event filter and
 *      the request name the same device;
 *   2. subscribe to that device's operation events and wait until the daemon
 *      confirms the subscription (events are not replayed: subscribing after
 *      the request could miss the first steps);
 *   3. send the request; print progress while it runs;
 *   4. read the device back (GetDevice) and succeed only if it is on the
 *      driver the operation targeted: the daemon verified it, this confirms
 *      that nothing moved it since.
 */

import type { AgentClient } from "../../client/client.js";
import { AgentError, isAgentError } from "../../common/index.js";
import type { DeviceSelector } from "../../server/generated/eniagent/v1/DeviceSelector.js";
import type { Operation__Output } from "../../server/generated/eniagent/v1/Operation.js";
import type { CliIo } from "../command.js";
import { EXIT_OK } from "../exit-codes.js";
import { followEvents } from "./follow-events.js";
import { OperationProgress } from "./operation-progress.js";
import { renderPlan } from "./render-operations.js";
import {
  type DeviceJson,
  deviceJson,
  JSON_SCHEMA_VERSION,
  type OperationJson,
  operationJson,
} from "./to-json.js";
import { countDown, renderTrial } from "./trial-countdown.js";

interface DeviceOperationRequest {
  kind: "bind" | "restore";
  selector: DeviceSelector;
  /** The target driver of a bind; null for restore. */
  driver: string | null;
  force: boolean;
  dryRun: boolean;
  persist: boolean;
  /** `bind --try`: the confirmation window; null for an ordinary bind and for restore. */
  confirmWithinMs: number | null;
}

export interface RunOptions {
  json: boolean;
  /**
   * `--timeout`: bounds the wait for the event subscription (each call has
   * the client's deadline, the same value). Past it the command stops
   * waiting; the daemon still completes or rolls back a journaled move.
   */
  timeoutMs: number;
}

export async function runDeviceOperation(
  client: AgentClient,
  request: DeviceOperationRequest,
  io: CliIo,
  options: RunOptions,
): Promise<number> {
  const signal = io.signal;
  const device = await client.getDevice(request.selector, { signal });
  const selector = { pciAddress: device.pciAddress };
  const send = (dryRun: boolean): Promise<Operation__Output> =>
    request.kind === "bind"
      ? client.bindDevice(
          {
            selector,
            driver: request.driver ?? "",
            force: request.force,
            dryRun,
            persist: request.persist,
            confirmWithin:
              request.confirmWithinMs === null
                ? null
                : {
                    seconds: Math.floor(request.confirmWithinMs / 1000),
                    nanos: (request.confirmWithinMs % 1000) * 1_000_000,
                  },
          },
          { signal },
        )
      : client.restoreDevice(
          { selector, force: request.force, dryRun, persist: request.persist },
          { signal },
        );

  if (request.dryRun) {
    const plan = operationJson(await send(true));
    io.stdout.write(
      options.json
        ? `${JSON.stringify({ version: JSON_SCHEMA_VERSION, operation: plan }, null, 2)}\n`
        : renderPlan(plan),
    );
    return EXIT_OK;
  }

  const progress = new OperationProgress(io, {
    pciAddress: device.pciAddress,
    kind: request.kind,
    driver: request.driver,
  });
  const watch = await followEvents(
    client,
    {
      pciAddress: device.pciAddress,
      kinds: ["EVENT_KIND_OPERATION_PROGRESS", "EVENT_KIND_OPERATION_RESULT"],
    },
    (event) => {
      if (
        (event.kind === "operation_progress" || event.kind === "operation_result") &&
        event.operation !== null
      )
        progress.update(event.operation);
    },
    options.timeoutMs,
  );
  let final: OperationJson;
  try {
    final = operationJson(await send(false));
  } catch (err) {
    await watch.stop();
    if (io.signal?.aborted === true) throw interrupted(err, device.pciAddress);
    if (isCallDeadline(err)) throw stoppedWaiting(err, device.pciAddress, options.timeoutMs);
    // The failure's last events may still be in flight: the journaled
    // operation says which step failed and what the rollback undid.
    if (isAgentError(err) && err.operationId !== undefined) {
      const op = await client.getOperation(err.operationId).catch(() => null);
      if (op !== null) progress.update(operationJson(op));
    }
    progress.finish();
    throw err;
  }
  await watch.stop();
  progress.update(final);
  progress.finish();
  if (watch.problem !== null) io.stderr.write(`note: no progress shown: ${watch.problem}\n`);

  const after = deviceJson(await client.getDevice(selector, { signal }));
  confirm(final, after);
  io.stdout.write(
    options.json
      ? `${JSON.stringify({ version: JSON_SCHEMA_VERSION, operation: final, device: after }, null, 2)}\n`
      : renderDone(request.kind, final, after),
  );
  const deadline = final.confirmation?.state === "pending" ? final.confirmation.deadline : null;
  if (deadline === null || options.json) return EXIT_OK;
  const trial = { operationId: final.id, pciAddress: after.pciAddress, deadline };
  io.stdout.write(renderTrial(trial));
  if (io.stdout.isTTY !== true) return EXIT_OK;
  return countDown(client, trial, io, options.timeoutMs);
}

/** The answer said success; make sure the device is where the operation took it. */
function confirm(op: OperationJson, device: DeviceJson): void {
  if (op.status !== "succeeded" && op.status !== "awaiting_confirmation") {
    throw new AgentError("INTERNAL", `the daemon answered with operation status "${op.status}"`, {
      device: device.pciAddress,
      operationId: op.id,
      remedy: `see 'eni-agent ops ${op.id}'`,
    });
  }
  if (op.toDriver !== null && device.driver !== op.toDriver) {
    throw new AgentError(
      "ABORTED",
      `${device.pciAddress} reached ${op.toDriver}, but is on ${device.driver ?? "no driver"} now: something else moved it`,
      {
        device: device.pciAddress,
        operationId: op.id,
        remedy: "see 'eni-agent watch' and 'eni-agent ops --device' for who changed it",
      },
    );
  }
}

/** Ctrl-C cancels the call, not a journaled move: say where to look for the outcome. */
function interrupted(err: unknown, pciAddress: string): AgentError {
  return new AgentError("ABORTED", `interrupted while waiting for the daemon`, {
    device: pciAddress,
    remedy: `a move already journaled still completes or rolls back: see 'eni-agent ops --device ${pciAddress}'`,
    cause: err,
  });
}

/**
 * The call's own deadline passed (no operation id: the daemon's engine did
 * not report a failure of the move, such as a stuck write, which says more).
 */
function isCallDeadline(err: unknown): boolean {
  return isAgentError(err) && err.code === "DEADLINE_EXCEEDED" && err.operationId === undefined;
}

/** --timeout ends the wait, not the move: say so, and where its outcome will be. */
function stoppedWaiting(err: unknown, pciAddress: string, timeoutMs: number): AgentError {
  return new AgentError(
    "DEADLINE_EXCEEDED",
    `no answer from the daemon within ${timeoutMs / 1000} s (--timeout); stopped waiting`,
    {
      device: pciAddress,
      remedy: `the move is not abandoned: the daemon completes or rolls it back; see 'eni-agent ops --device ${pciAddress}', or allow more time with --timeout`,
      cause: err,
    },
  );
}

function renderDone(kind: "bind" | "restore", op: OperationJson, d: DeviceJson): string {
  const facts = [
    `state ${d.state}`,
    d.identity.interfaceName && d.driver === "ena" ? `interface ${d.identity.interfaceName}` : "",
    d.identity.mac ? `MAC ${d.identity.mac}` : "",
    d.iommuGroup ? `IOMMU group ${d.iommuGroup}` : "",
  ].filter(Boolean);
  const verb = kind === "bind" ? "bound to" : "restored to";
  if (op.steps.length === 0) {
    return `${d.pciAddress}: already ${verb} ${d.driver ?? "no driver"}; nothing to do (${facts.join(", ")})\n`;
  }
  const took = op.durationMs === null ? "" : `, ${op.durationMs} ms`;
  return `${d.pciAddress}: ${verb} ${d.driver ?? "no driver"} (${facts.join(", ")}), operation ${op.id}${took}\n`;
}
