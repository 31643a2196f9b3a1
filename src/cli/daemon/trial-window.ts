/**
 * `--try DURATION`: how long a bind on trial waits for its confirmation.
 * A number with a unit (ms, s, m, h), or plain seconds; the daemon's bounds
 * (1 s to 24 h) are checked here too, so a typo fails before any request.
 */

import { isConfirmWindow } from "../../common/confirm-window.js";
import { quoteInput } from "../../common/index.js";
import { usage } from "../flags.js";

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;

/** Milliseconds of `--try`; INVALID_ARGUMENT (exit 2) for anything else. */
export function parseTrialWindow(command: string, input: string): number {
  const match = DURATION.exec(input);
  const ms = match === null ? Number.NaN : Number(match[1]) * (UNIT_MS[match[2] ?? "s"] ?? 0);
  if (!isConfirmWindow(ms)) {
    throw usage(
      command,
      `--try ${quoteInput(input)}: not a duration from 1s to 24h (e.g. 90s, 5m, 1h; whole milliseconds)`,
    );
  }
  return ms;
}

/** "1m 30s" for people. */
export function describeWindow(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return [h > 0 ? `${h}h` : "", m > 0 ? `${m}m` : "", rest > 0 || s === 0 ? `${rest}s` : ""]
    .filter(Boolean)
    .join(" ");
}
