/**
 * The load generator's own pauses. A client in the bench process times a
 * call from its send to the moment its answer is read; while the bench
 * process's event loop is held (its garbage collector, or the scheduler
 * giving the vCPU to another thread), answers wait unread and their calls
 * look slow for a reason that is not the daemon's. A 1 ms timer records every
 * gap between its ticks that exceeds a threshold, so that a benchmark can say
 * which of its slow calls overlapped such a pause.
 */

/** A pause of the bench process's event loop, on the performance.now() clock. */
export interface Stall {
  fromMs: number;
  toMs: number;
}

export interface StallWatch {
  /** Stops the timer; returns the stalls seen, oldest first. */
  stop(): Stall[];
}

export function watchLoopStalls(thresholdMs = 2): StallWatch {
  const stalls: Stall[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > thresholdMs) stalls.push({ fromMs: last, toMs: now });
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      return stalls;
    },
  };
}

/** Whether the call from `startMs` to `endMs` overlapped one of `stalls` (oldest first, disjoint). */
export function overlapsStall(startMs: number, endMs: number, stalls: readonly Stall[]): boolean {
  // The first stall that ends after the call starts: it overlaps if it began before the call ended.
  let lo = 0;
  let hi = stalls.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (stalls[mid]!.toMs <= startMs) lo = mid + 1;
    else hi = mid;
  }
  const next = stalls[lo];
  return next !== undefined && next.fromMs < endMs;
}
