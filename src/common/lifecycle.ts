/**
 * Lifecycle helpers. Whatever owns a timer, socket, watcher or descriptor
 * implements `Service`: `start(signal)` acquires, `stop()` releases and is
 * idempotent. Constructors only validate and allocate.
 */
export interface Service {
  readonly name: string;
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

interface PeriodicJobOptions {
  /** Time between rounds, read before every wait (so a reload takes effect at the next one). */
  intervalMs: () => number;
  /** Run the first round at start (true) or after the first wait (false). Default false. */
  runFirst?: boolean;
  /** The wait; a clock of the caller's (tests). Default: `sleep`. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * An owned loop: `round` runs every `intervalMs()` on a signal of the job's
 * own, tied to the one `start` got; `stop()` aborts it and waits for the
 * round in progress. Never a bare setInterval: one timer at a time, and no
 * round overlaps the next. `round` handles its own errors (a throw ends the
 * loop).
 */
export class PeriodicJob implements Service {
  readonly name: string;
  readonly #options: PeriodicJobOptions;
  readonly #round: (signal: AbortSignal) => void | Promise<void>;
  #abort: AbortController | null = null;
  #loop: Promise<void> | null = null;
  #unlink: (() => void) | null = null;

  constructor(
    name: string,
    options: PeriodicJobOptions,
    round: (signal: AbortSignal) => void | Promise<void>,
  ) {
    this.name = name;
    this.#options = options;
    this.#round = round;
  }

  /** The running loop's signal; null when stopped. */
  get signal(): AbortSignal | null {
    return this.#abort?.signal ?? null;
  }

  /** Starts the loop (a first round at once with `runFirst`, begun before this returns). */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#loop !== null) return;
    const abort = new AbortController();
    this.#abort = abort;
    const forward = () => abort.abort(signal.reason);
    if (signal.aborted) forward();
    else signal.addEventListener("abort", forward, { once: true });
    this.#unlink = () => signal.removeEventListener("abort", forward);
    this.#loop = this.#run(abort.signal);
  }

  /** Aborts the loop and waits for the round in progress. Idempotent. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#loop;
    this.#unlink?.();
    this.#unlink = null;
    this.#loop = null;
    this.#abort = null;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const wait = this.#options.sleep ?? sleep;
    let first = true;
    while (!signal.aborted) {
      if (!first || this.#options.runFirst !== true) {
        try {
          await wait(this.#options.intervalMs(), signal);
        } catch {
          return;
        }
      }
      first = false;
      await this.#round(signal);
    }
  }
}
