/**
 * Time as the engine sees it. Injected so that tests drive deadlines and
 * verification waits without waiting (and without timing assertions).
 */
import { sleep } from "../common/index.js";

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fire` after `ms` unless the returned function is called first (idempotent). */
  after(ms: number, fire: () => void): () => void;
  /** ISO-8601 wall time, for records people read. */
  isoNow(): string;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep,
  after: (ms, fire) => {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
  isoNow: () => new Date().toISOString(),
};

/**
 * Virtual time for simulations and tests, a discrete-event clock: pending
 * sleeps fire one per turn of the event loop, earliest first, and `now`
 * jumps to the due time of the one that fires. Deadlines and verification
 * bounds then cost no wall time and keep their order (a 50 ms poll fires
 * before a 30 s deadline), while anything that waits on something real
 * (a write the simulator blocks) still loses the race against its deadline.
 */
export function steppingClock(startMs = 0): Clock {
  let now = startMs;
  let seq = 0;
  const timers: { due: number; seq: number; fire: () => void }[] = [];
  let scheduled = false;
  const tick = (): void => {
    scheduled = false;
    timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
    const next = timers.shift();
    if (next === undefined) return;
    now = Math.max(now, next.due);
    next.fire();
    schedule();
  };
  const schedule = (): void => {
    if (scheduled || timers.length === 0) return;
    scheduled = true;
    setImmediate(tick);
  };
  return {
    now: () => now,
    isoNow: () => new Date(Date.UTC(2026, 0, 1) + now).toISOString(),
    after: (ms, fire) => {
      const timer = { due: now + ms, seq: seq++, fire };
      timers.push(timer);
      schedule();
      return () => {
        const i = timers.indexOf(timer);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const timer = {
          due: now + ms,
          seq: seq++,
          fire: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        const onAbort = (): void => {
          const i = timers.indexOf(timer);
          if (i >= 0) timers.splice(i, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        timers.push(timer);
        schedule();
      }),
  };
}
