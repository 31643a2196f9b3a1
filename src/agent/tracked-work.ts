/**
 * The work a stop must wait for: mutating calls, and work nobody awaits
 * (hot-attach, desired bindings, termination plans). A stop drains it
 * rather than abandon a transaction half-way.
 */
export class TrackedWork {
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #onFailure: (error: unknown) => void;

  /** `onFailure` hears how background work failed (awaited work tells its caller). */
  constructor(onFailure: (error: unknown) => void) {
    this.#onFailure = onFailure;
  }

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#inflight.add(work);
    const done = (): void => {
      this.#inflight.delete(work);
    };
    work.then(done, done);
    return work;
  }

  /** Tracks work nobody awaits; its failure goes to `onFailure`, never unhandled. */
  background(work: Promise<unknown>): void {
    this.track(work).catch(this.#onFailure);
  }

  /** Resolves once nothing is in flight, including work started while waiting. */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }
}
