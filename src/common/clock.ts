/**
 * Time as every layer sees it. Injected so that tests drive deadlines, waits
 * and polls without waiting (and without timing assertions): the driver
 * engine takes `realClock` (monotonic), the AWS layer `wallClock` (epoch ms,
 * because notices carry wall-clock deadlines), and tests `steppingClock`.
 */
import { sleep } from "./lifecycle.js";

export interface Clock {
  /** Milliseconds: monotonic (realClock) or epoch (wallClock), as the owner documents. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fire` after `ms` unless the returned function is called first (idempotent). */
  after(ms: number, fire: () => void): () => void;
  /** ISO-8601 wall time, for records people read. */
  isoNow(): string;
}

/** Monotonic milliseconds (performance.now()): what the engine's bounds need. */
export const realClock: Clock = {
  now: () => performance.now(),
  sleep,
  after: timeout,
  isoNow: () => new Date().toISOString(),
};

/** Epoch milliseconds (Date.now()): what deadlines from IMDS notices are written in. */
export const wallClock: Clock = {
  now: () => Date.now(),
  sleep,
  after: timeout,
  isoNow: () => new Date().toISOString(),
};

function timeout(ms: number, fire: () => void): () => void {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}

/**
 * Virtual time for simulations and tests, a discrete-event clock: pending
 * sleeps fire one per turn of the event loop, earliest first, and `now`
 * jumps to the due time of the one that fires. Deadlines and verification
 * bounds then cost no wall time and keep their order (a 50 ms poll fires
 * before a 30 s deadline), while anything that waits on something real
 * (a write the simulator blocks) still loses the race against its deadline.
 * `startMs` sets the first reading (an epoch value stands in for wallClock).
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
    // A small startMs is a monotonic reading: shown as a date in 2026; an epoch one as itself.
    isoNow: () =>
      new Date((startMs < EPOCH_2000_MS ? Date.UTC(2026, 0, 1) : 0) + now).toISOString(),
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

const EPOCH_2000_MS = Date.UTC(2000, 0, 1);
