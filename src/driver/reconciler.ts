/**
 * The reconcile loop: repairs DEGRADED devices (a rollback that failed, a
 * repair that did not take) and writes the end records the journal refused,
 * each with its own exponential backoff. An owned job: `start(signal)`
 * starts it, `stop()` ends it and waits for the pass in progress; no bare
 * timers.
 */
import { type PciAddress, PeriodicJob, type Service } from "../common/index.js";
import type { Clock } from "./clock.js";
import type { OperationResult } from "./types.js";

interface ReconcilerDeps {
  engine: {
    degradedDevices(): PciAddress[];
    repair(device: PciAddress): Promise<OperationResult>;
    journalIssues(): { unwritten: readonly unknown[] };
    /** True when every refused end record is written now. */
    flushJournal(): Promise<boolean>;
  };
  clock: Clock;
}

export interface ReconcilerOptions {
  /** Time between passes. Default 5 000 ms. */
  intervalMs?: number;
  /** First retry delay after a failed repair; doubles per failure. Default 1 000 ms. */
  initialBackoffMs?: number;
  /** Cap of the retry delay. Default 300 000 ms. */
  maxBackoffMs?: number;
}

interface Backoff {
  delayMs: number;
  /** Clock ms of the next attempt. */
  at: number;
}

export interface RepairAttempt {
  device: PciAddress;
  ok: boolean;
  /** Next attempt no earlier than this (clock ms); null after success. */
  nextAttemptAt: number | null;
}

export class Reconciler implements Service {
  readonly name = "driver-reconciler";
  readonly #deps: ReconcilerDeps;
  readonly #intervalMs: number;
  readonly #initialBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #backoff = new Map<PciAddress, Backoff>();
  #journalBackoff: Backoff | null = null;
  readonly #job: PeriodicJob;

  constructor(deps: ReconcilerDeps, options: ReconcilerOptions = {}) {
    this.#deps = deps;
    this.#intervalMs = options.intervalMs ?? 5_000;
    this.#initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 300_000;
    this.#job = new PeriodicJob(
      this.name,
      {
        intervalMs: () => this.#intervalMs,
        runFirst: true,
        sleep: (ms, signal) => deps.clock.sleep(ms, signal),
      },
      async () => {
        await this.runOnce();
      },
    );
  }

  start(signal: AbortSignal): Promise<void> {
    return this.#job.start(signal);
  }

  stop(): Promise<void> {
    return this.#job.stop();
  }

  /**
   * One pass: the journal's refused end records first (a repair journals
   * too), then a repair for each degraded device whose backoff has run out.
   */
  async runOnce(): Promise<RepairAttempt[]> {
    const now = this.#deps.clock.now();
    await this.#flushJournal(now);
    const attempts: RepairAttempt[] = [];
    const degraded = new Set(this.#deps.engine.degradedDevices());
    for (const device of this.#backoff.keys())
      if (!degraded.has(device)) this.#backoff.delete(device);
    for (const device of degraded) {
      const backoff = this.#backoff.get(device);
      if (backoff !== undefined && now < backoff.at) continue;
      try {
        await this.#deps.engine.repair(device);
        this.#backoff.delete(device);
        attempts.push({ device, ok: true, nextAttemptAt: null });
      } catch {
        const next = this.#next(backoff);
        this.#backoff.set(device, next);
        attempts.push({ device, ok: false, nextAttemptAt: next.at });
      }
    }
    return attempts;
  }

  async #flushJournal(now: number): Promise<void> {
    const engine = this.#deps.engine;
    if (engine.journalIssues().unwritten.length === 0) {
      this.#journalBackoff = null;
      return;
    }
    if (this.#journalBackoff !== null && now < this.#journalBackoff.at) return;
    this.#journalBackoff = (await engine.flushJournal()) ? null : this.#next(this.#journalBackoff);
  }

  /** The backoff after a failure: the initial delay, then doubling up to the cap. */
  #next(backoff: Backoff | null | undefined): Backoff {
    const delayMs =
      backoff == null ? this.#initialBackoffMs : Math.min(backoff.delayMs * 2, this.#maxBackoffMs);
    return { delayMs, at: this.#deps.clock.now() + delayMs };
  }
}
