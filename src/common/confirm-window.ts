/**
 * How long a bind on trial may wait for its confirmation. At least a second
 * (less cannot reach a person or a health check) and at most a day (a
 * longer trial is a binding nobody watches: persist it instead).
 */
import { AgentError } from "./agent-error.js";

export const MIN_CONFIRM_WITHIN_MS = 1_000;
export const MAX_CONFIRM_WITHIN_MS = 86_400_000;

export function isConfirmWindow(value: unknown): value is number {
  return (
    Number.isSafeInteger(value) &&
    (value as number) >= MIN_CONFIRM_WITHIN_MS &&
    (value as number) <= MAX_CONFIRM_WITHIN_MS
  );
}

/** `ms` when it is a confirmation window; INVALID_ARGUMENT otherwise. */
export function parseConfirmWindow(ms: number): number {
  if (!isConfirmWindow(ms)) {
    throw new AgentError(
      "INVALID_ARGUMENT",
      `confirm_within must be from 1 s to 24 h in whole milliseconds, got ${ms} ms`,
      { remedy: "pass a duration such as 60s, 5m or 1h" },
    );
  }
  return ms;
}

/** The wall time `ms` after the ISO time `from`, as ISO-8601. */
export function deadlineAfter(from: string, ms: number): string {
  return new Date(Date.parse(from) + ms).toISOString();
}
