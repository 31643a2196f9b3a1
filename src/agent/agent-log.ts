/**
 * Logging: pino JSON lines on stdout (journald keeps them), one line per
 * transaction step with the operation id, the device, the step's duration
 * and the errno of a failure, so `journalctl -u eni-agent -o cat | jq`
 * answers "what happened to 0000:00:06.0" without the journal file.
 */
import { type DestinationStream, type Logger, pino } from "pino";
import type { PciAddress } from "../common/index.js";
import type { ProgressEvent } from "../driver/index.js";
import type { LogLevel } from "./config-schema.js";

export type AgentLog = Logger;

/** The daemon's logger; `destination` defaults to stdout (tests pass a stream). */
export function createLog(level: LogLevel, destination?: DestinationStream): AgentLog {
  const options = {
    level,
    base: { service: "eni-agent" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/**
 * A listener for the engine's progress events that logs every step. Keeps
 * the device and start time of each running operation (dropped at its end).
 */
export function progressLogger(log: AgentLog): (event: ProgressEvent) => void {
  const running = new Map<string, { device: PciAddress; kind: string; t0: number }>();
  return (event) => {
    const op = event.operationId;
    if (event.type === "begin") {
      running.set(op, { device: event.device, kind: event.kind, t0: performance.now() });
      log.info({ op, device: event.device, kind: event.kind, steps: event.steps.length }, "begin");
      return;
    }
    const known = running.get(op);
    const base = { op, device: known?.device ?? null, kind: known?.kind ?? null };
    switch (event.type) {
      case "step":
        log.debug({ ...base, step: event.index, path: event.path }, "step started");
        return;
      case "step-done":
        log.info(
          {
            ...base,
            step: event.index,
            action: event.step.kind,
            durationMs: round(event.elapsedMs),
            errno: null,
          },
          "step done",
        );
        return;
      case "verify":
        log.debug({ ...base, target: event.target }, "verifying");
        return;
      case "rollback":
        log.warn(
          {
            ...base,
            errno: event.reason.errno ?? null,
            code: event.reason.code,
            reason: event.reason.message,
            steps: event.steps.length,
          },
          "rolling back",
        );
        return;
      case "end": {
        running.delete(op);
        const fields = {
          ...base,
          status: event.status,
          durationMs: known ? round(performance.now() - known.t0) : null,
          errno: event.error?.errno ?? null,
          error: event.error?.message ?? null,
        };
        if (event.status === "committed") log.info(fields, "end");
        else log.warn(fields, "end");
        return;
      }
    }
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
