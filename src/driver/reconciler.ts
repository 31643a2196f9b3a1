/**
 * The reconcile loop: repairs DEGRADED devices (a rollback that failed, a
 * repair that did not take) with exponential backoff per device. An owned
 * job: `start(signal)` starts it, `stop()` ends it and waits for the pass in
 * progress; no bare timers.
 */
import { type PciAddress, PeriodicJob, type Service } from "../common/index.js";
import type { Clock } from "./clock.js";
import type { OperationResult } from "./types.js";

export interface ReconcilerDeps {
  engine: {
    degradedDevices(): PciAddress[];
    repair(device: PciAddress): Promise<OperationResult>;
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
  readonly #backoff = new Map<PciAddress, { delayMs: number; at: number }>();
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

  /** One pass: a repair for each degraded device whose backoff has run out. */
  async runOnce(): Promise<RepairAttempt[]> {
    const now = this.#deps.clock.now();
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
        const delayMs =
          backoff === undefined
            ? this.#initialBackoffMs
            : Math.min(backoff.delayMs * 2, this.#maxBackoffMs);
        const at = this.#deps.clock.now() + delayMs;
        this.#backoff.set(device, { delayMs, at });
        attempts.push({ device, ok: false, nextAttemptAt: at });
      }
    }
    return attempts;
  }
}
