/**
 * What agent entries share to report: a list of results that an entry fills
 * as it goes, so a later step's failure never hides the earlier ones.
 */
import type { GuestResult } from "../guest-entry.js";

export class Checks {
  readonly results: GuestResult[] = [];

  /**
   * Records one result; `detail` is shown on failure (objects as JSON),
   * `report` always (measurements).
   */
  check(id: string, ok: boolean, detail?: unknown, report?: string): boolean {
    const text = typeof detail === "string" ? detail : JSON.stringify(detail);
    this.results.push({
      id,
      ok,
      ...(text === undefined ? {} : { detail: text }),
      ...(report === undefined ? {} : { report }),
    });
    return ok;
  }

  /** Runs `fn`; a throw becomes a failed result `id` and undefined. */
  async attempt<T>(id: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.check(id, false, `threw: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
      return undefined;
    }
  }
}

/** `promise`, or a rejection naming `what` once `ms` have passed: nothing an entry awaits may hang it. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
