/**
 * The deadline keeper of binds on trial: reverts each one its deadline
 * passed unconfirmed, and, when the configuration names a probe, confirms
 * one on its own once the probe held long enough. An owned job (`start`
 * / `stop`); it sleeps on the injected clock until the next deadline (or
 * probe sample) and wakes early when a wait begins or ends.
 *
 * A revert that cannot run (a process holds the device, the journal
 * refuses) leaves the bind awaiting; it is retried with backoff.
 */
import { type PciAddress, PeriodicJob, type Service, toAgentError } from "../common/index.js";
import type { DeviceHolder } from "../sysfs/index.js";
import type { Clock } from "./clock.js";
import type { PendingConfirmation } from "./confirmations.js";
import type { ConfirmedBy, OperationResult, OperationView, ProgressEvent } from "./types.js";

/** Confirm without a request once a process held the device's DPDK node (vfio group, uio node) this long. */
export interface AutoConfirm {
  check: "holder";
  forMs: number;
}

export interface ConfirmationWatchDeps {
  engine: {
    pendingConfirmations(): PendingConfirmation[];
    revertUnconfirmed(operationId: string): Promise<OperationResult | null>;
    confirm(operationId: string, by: ConfirmedBy): Promise<OperationView>;
    holders(device: PciAddress): Promise<DeviceHolder[]>;
    subscribe(listener: (event: ProgressEvent) => void): () => void;
  };
  clock: Clock;
  /** A revert or an automatic confirmation failed (logged by the agent); it is retried. */
  failed?: (operationId: string, action: "revert" | "confirm", error: Error) => void;
}

export interface ConfirmationWatchOptions {
  /** Off when absent (the default). */
  autoConfirm?: AutoConfirm | null;
  /** Time between probe samples. Default 1 000 ms. */
  probeIntervalMs?: number;
  /** First retry of a failed revert; doubles to `maxRetryMs`. Default 1 000 ms. */
  retryMs?: number;
  /** Default 60 000 ms. */
  maxRetryMs?: number;
}

/** Sleep when nothing awaits: an event wakes the watch sooner. */
const IDLE_MS = 3_600_000;

export class ConfirmationWatch implements Service {
  readonly name = "confirmation-watch";
  readonly #deps: ConfirmationWatchDeps;
  readonly #autoConfirm: AutoConfirm | null;
  readonly #probeIntervalMs: number;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  readonly #job: PeriodicJob;
  /** Wall ms from which the probe has held, per operation. */
  readonly #heldSince = new Map<string, number>();
  readonly #retry = new Map<string, { delayMs: number; at: number }>();
  #wake: AbortController | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(deps: ConfirmationWatchDeps, options: ConfirmationWatchOptions = {}) {
    this.#deps = deps;
    this.#autoConfirm = options.autoConfirm ?? null;
    this.#probeIntervalMs = options.probeIntervalMs ?? 1_000;
    this.#retryMs = options.retryMs ?? 1_000;
    this.#maxRetryMs = options.maxRetryMs ?? 60_000;
    this.#job = new PeriodicJob(
      this.name,
      {
        intervalMs: () => this.#nextWakeMs(),
        runFirst: true,
        sleep: (ms, signal) => this.#sleep(ms, signal),
      },
      () => this.runOnce(),
    );
  }

  async start(signal: AbortSignal): Promise<void> {
    this.#unsubscribe ??= this.#deps.engine.subscribe((event) => {
      if (event.type === "confirmation") this.#wake?.abort();
    });
    await this.#job.start(signal);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#job.stop();
  }

  /** One pass: revert what is due, sample the probe for the rest. Never throws. */
  async runOnce(): Promise<void> {
    const pending = this.#deps.engine.pendingConfirmations();
    const ids = new Set(pending.map((p) => p.operationId));
    for (const map of [this.#heldSince, this.#retry]) {
      for (const id of map.keys()) if (!ids.has(id)) map.delete(id);
    }
    for (const p of pending) {
      if (p.remainingMs === 0) await this.#revert(p.operationId);
      else if (this.#autoConfirm !== null) await this.#probe(p, this.#autoConfirm);
    }
  }

  async #revert(id: string): Promise<void> {
    const retry = this.#retry.get(id);
    if (retry !== undefined && this.#now() < retry.at) return;
    try {
      const reverted = await this.#deps.engine.revertUnconfirmed(id);
      // null: a confirm being written holds it, or a revert runs already; look again later.
      if (reverted === null) this.#retry.set(id, { delayMs: 0, at: this.#now() + this.#retryMs });
      else this.#retry.delete(id);
    } catch (err) {
      const delayMs =
        retry === undefined || retry.delayMs === 0
          ? this.#retryMs
          : Math.min(retry.delayMs * 2, this.#maxRetryMs);
      this.#retry.set(id, { delayMs, at: this.#now() + delayMs });
      this.#deps.failed?.(id, "revert", toAgentError(err));
    }
  }

  async #probe(p: PendingConfirmation, probe: AutoConfirm): Promise<void> {
    const id = p.operationId;
    const held = await this.#deps.engine.holders(p.device).then(
      (found) => found.length > 0,
      () => false,
    );
    if (!held) {
      this.#heldSince.delete(id);
      return;
    }
    const now = this.#now();
    const since = this.#heldSince.get(id) ?? now;
    this.#heldSince.set(id, since);
    if (now - since < probe.forMs) return;
    try {
      await this.#deps.engine.confirm(id, "probe");
    } catch (err) {
      this.#deps.failed?.(id, "confirm", toAgentError(err));
    }
  }

  /** Until the next deadline, retry or probe sample. */
  #nextWakeMs(): number {
    const now = this.#now();
    let next = IDLE_MS;
    for (const p of this.#deps.engine.pendingConfirmations()) {
      const retry = this.#retry.get(p.operationId);
      const due = p.remainingMs > 0 ? p.remainingMs : retry === undefined ? 0 : retry.at - now;
      next = Math.min(next, Math.max(0, due));
      if (this.#autoConfirm !== null && p.remainingMs > 0) {
        next = Math.min(next, this.#probeIntervalMs);
      }
    }
    return next;
  }

  /** The clock's sleep, cut short (without error) when a wait begins or ends. */
  async #sleep(ms: number, signal: AbortSignal): Promise<void> {
    const wake = new AbortController();
    this.#wake = wake;
    try {
      await this.#deps.clock.sleep(ms, AbortSignal.any([signal, wake.signal]));
    } catch (err) {
      if (signal.aborted) throw err;
    } finally {
      this.#wake = null;
    }
  }

  #now(): number {
    return Date.parse(this.#deps.clock.isoNow());
  }
}
