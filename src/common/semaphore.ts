/**
 * A counting semaphore: at most `limit` holders; the rest wait in FIFO order.
 * A freed slot is handed straight to the next waiter, so a burst cannot slip
 * past the bound. The one bound on concurrency every layer uses: devices in
 * transaction, sysfs writes holding a thread, EC2 calls in flight.
 */
export class Semaphore {
  readonly limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  /** Throws RangeError unless `limit` is an integer ≥ 1. */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit ${limit}`);
    this.limit = limit;
  }

  /** Slots held now. */
  get active(): number {
    return this.#active;
  }

  /** Runs `fn` holding a slot; the slot is freed when `fn` settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Resolves with the function that frees the slot (call it once; later
   * calls do nothing). Rejects with the signal's reason when it aborts
   * before a slot is free; the waiter then leaves the queue.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.tryAcquire();
    if (now !== null) return Promise.resolve(now);
    const turn = this.queue();
    if (signal === undefined) return turn.granted;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        turn.leave();
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      void turn.granted.then((release) => {
        signal.removeEventListener("abort", onAbort);
        resolve(release);
      });
    });
  }

  /** A slot now, without waiting: the function that frees it, or null when all are taken. */
  tryAcquire(): (() => void) | null {
    if (this.#active >= this.limit) return null;
    this.#active += 1;
    return this.#releaser();
  }

  /**
   * A place in the queue, for callers that time out their wait themselves
   * (an AbortSignal per call costs more than a hot path can pay). `leave()`
   * gives the place up; a slot handed over in the meantime goes on to the
   * next in line.
   */
  queue(): { granted: Promise<() => void>; leave: () => void } {
    let release: (() => void) | null = null;
    let grant: () => void = () => undefined;
    const granted = new Promise<() => void>((resolve) => {
      grant = () => {
        release = this.#releaser();
        resolve(release);
      };
    });
    this.#waiting.push(grant);
    const leave = (): void => {
      const i = this.#waiting.indexOf(grant);
      if (i >= 0) this.#waiting.splice(i, 1);
      else release?.();
    };
    return { granted, leave };
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // Hand the slot straight to the next waiter: `active` stays the same.
      if (next) next();
      else this.#active -= 1;
    };
  }
}
