/**
 * A service shape the composition root needs: a service rebuilt when the
 * part of the configuration it was built from changes. (Periodic loops are
 * PeriodicJob, in src/common/lifecycle.ts, which the driver layer uses too.)
 */
import type { Service } from "../common/index.js";

/** A service built from a slice of the configuration, rebuilt when that slice changes. */
export class Rebuildable<T extends Service, C> implements Service {
  readonly name: string;
  readonly #build: (config: C) => T | null;
  readonly #slice: (config: C) => unknown;
  #config: C;
  #current: T | null = null;
  #key = "";
  #signal: AbortSignal | null = null;

  constructor(
    name: string,
    config: C,
    build: (config: C) => T | null,
    slice: (config: C) => unknown,
  ) {
    this.name = name;
    this.#config = config;
    this.#build = build;
    this.#slice = slice;
  }

  current(): T | null {
    return this.#current;
  }

  async start(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    this.#key = JSON.stringify(this.#slice(this.#config));
    this.#current = this.#build(this.#config);
    await this.#current?.start(signal);
  }

  async stop(): Promise<void> {
    const current = this.#current;
    this.#signal = null;
    await current?.stop();
  }

  /** Rebuilds (stop old, start new) when the slice changed; true when it did. */
  async reconfigure(config: C): Promise<boolean> {
    this.#config = config;
    const key = JSON.stringify(this.#slice(config));
    if (key === this.#key || this.#signal === null) return false;
    this.#key = key;
    await this.#current?.stop();
    this.#current = this.#build(config);
    await this.#current?.start(this.#signal);
    return true;
  }
}
