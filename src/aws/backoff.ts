/**
 * Exponential backoff with "equal jitter": half of the exponential step is
 * fixed, half is random. The fixed half guarantees the request rate really
 * drops while a dependency is failing (full jitter can draw 0 and hammer a
 * struggling IMDS, which shares a ~1024 packets/s link-local cap per ENI);
 * the random half keeps a fleet of hosts from retrying in lock-step.
 */
interface BackoffOptions {
  /** Delay scale of the first retry, in ms. */
  readonly baseMs: number;
  /** Upper bound of any single delay, in ms. */
  readonly capMs: number;
}

/** Delay before retry number `attempt` (0-based), in ms; `random` returns [0, 1). */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const step = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(step / 2 + random() * (step / 2));
}
