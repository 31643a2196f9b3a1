/**
 * Deletes ENIs the agent owns that were left `available` (leaked): by an
 * instance that died between detach and delete, by a plan that ran out of
 * time, by a detach-only release. An owned job: start(signal) sweeps at once
 * and then every interval (with jitter, so a fleet does not sweep in
 * lock-step); stop() aborts and waits. Off unless the agent starts it.
 *
 * An ENI is deleted only when all of these hold: it carries the owner tag
 * (the describe filters on it and the delete re-checks it), it is
 * `available`, it is older than `minAgeMs` (creation time from a tag, else
 * when this sweeper first saw it), and it was seen `available` in two
 * consecutive sweeps (a controller may be about to attach a fresh ENI; the
 * second sighting proves it sat unused for a whole interval). Describes are
 * filtered (owner tag, status) and paginated.
 */
import {
  AgentError,
  type Clock,
  PeriodicJob,
  type Service,
  toAgentError,
  wallClock,
} from "../common/index.js";
import { ENI_NOT_FOUND } from "./aws-errors.js";
import type { Ec2Actions } from "./ec2-actions.js";
import type { EniDescription } from "./eni-description.js";

interface LeakSweeperOptions {
  /** Time between sweeps, in ms. Default 300000. */
  readonly intervalMs?: number;
  /** Each delay is intervalMs × (1 ± jitter). Default 0.2. */
  readonly jitter?: number;
  /** Younger ENIs are left alone, in ms. Default 300000 (the VPC CNI's choice). */
  readonly minAgeMs?: number;
  /** Tag holding the creation time (RFC 3339, or epoch seconds). Default "eni-agent/created-at". */
  readonly createdAtTag?: string;
  /** Consecutive sightings as `available` before a delete. Default 2. */
  readonly sightings?: number;
  /** Deletes per sweep at most (the Delete bucket is shared with the fleet). Default 20. */
  readonly maxDeletesPerSweep?: number;
  /** Budget of one sweep's EC2 calls, in ms. Default 30000. */
  readonly sweepTimeoutMs?: number;
  /** Send DryRun on deletes: the sweep reports "would-delete". Default false. */
  readonly dryRun?: boolean;
}

interface LeakSweeperDeps {
  /** Asked for at every sweep (the daemon's client exists once the Region is known). */
  readonly actions: () => Ec2Actions | Promise<Ec2Actions>;
  /** Every sweep's report (for logs and metrics). */
  readonly onSweep?: (report: SweepReport) => void;
  readonly onError?: (error: AgentError) => void;
  /** Epoch ms: ages, sweep deadlines and the wait between sweeps. Default wallClock. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

/**
 * - `deleted` / `would-delete` (dry run) / `already-gone`: acted;
 * - `sighted`: seen available, fewer consecutive sightings than required;
 * - `too-young`: younger than minAgeMs;
 * - `deferred`: over this sweep's delete budget, next sweep;
 * - `failed`: the delete failed (attached in between, IAM, time): `error`.
 */
type SweepDecision =
  | "deleted"
  | "would-delete"
  | "already-gone"
  | "sighted"
  | "too-young"
  | "deferred"
  | "failed";

interface SweepEntry {
  readonly eniId: string;
  readonly ageMs: number;
  /** Where the age comes from. */
  readonly ageFrom: "tag" | "first-seen";
  readonly sightings: number;
  readonly decision: SweepDecision;
  readonly error?: { readonly code: string; readonly message: string; readonly awsCode?: string };
}

export interface SweepReport {
  readonly atMs: number;
  readonly sweep: number;
  readonly dryRun: boolean;
  readonly entries: readonly SweepEntry[];
}

interface Sighting {
  readonly firstSeenMs: number;
  count: number;
  lastSweep: number;
}

export class LeakSweeper implements Service {
  readonly name = "leak-sweeper";
  private readonly deps: LeakSweeperDeps;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly job: PeriodicJob;
  private readonly intervalMs: number;
  private readonly jitter: number;
  private readonly minAgeMs: number;
  private readonly createdAtTag: string;
  private readonly required: number;
  private readonly maxDeletes: number;
  private readonly sweepTimeoutMs: number;
  private readonly dryRun: boolean;
  private readonly seen = new Map<string, Sighting>();
  private sweeps = 0;

  constructor(deps: LeakSweeperDeps, options: LeakSweeperOptions = {}) {
    this.deps = deps;
    this.clock = deps.clock ?? wallClock;
    this.random = deps.random ?? Math.random;
    this.intervalMs = options.intervalMs ?? 300_000;
    this.jitter = options.jitter ?? 0.2;
    this.minAgeMs = options.minAgeMs ?? 300_000;
    this.createdAtTag = options.createdAtTag ?? "eni-agent/created-at";
    this.required = options.sightings ?? 2;
    this.maxDeletes = options.maxDeletesPerSweep ?? 20;
    this.sweepTimeoutMs = options.sweepTimeoutMs ?? 30_000;
    this.dryRun = options.dryRun ?? false;
    if (!(this.intervalMs > 0) || !(this.jitter >= 0 && this.jitter < 1)) {
      throw new AgentError("INVALID_ARGUMENT", "intervalMs must be > 0 and jitter in [0, 1)");
    }
    if (!Number.isInteger(this.required) || this.required < 1) {
      throw new AgentError("INVALID_ARGUMENT", "sightings must be an integer ≥ 1");
    }
    this.job = new PeriodicJob(
      this.name,
      {
        // Each wait is drawn anew, so a fleet does not sweep in lock-step.
        intervalMs: () => Math.round(this.intervalMs * (1 + this.jitter * (2 * this.random() - 1))),
        runFirst: true,
        sleep: (ms, signal) => this.clock.sleep(ms, signal),
      },
      (signal) => this.round(signal),
    );
  }

  /** Sweeps now, then every interval; returns at once. Idempotent. */
  start(signal: AbortSignal): Promise<void> {
    return this.job.start(signal);
  }

  /** Stops sweeping and waits for a sweep in progress to end. Idempotent. */
  stop(): Promise<void> {
    return this.job.stop();
  }

  /**
   * One sweep: lists owned `available` ENIs, records the sightings, deletes
   * (or, dry run, reports) those that qualify. Throws what listing threw.
   */
  async sweep(signal?: AbortSignal): Promise<SweepReport> {
    const atMs = this.clock.now();
    const call = { deadlineMs: atMs + this.sweepTimeoutMs, ...(signal ? { signal } : {}) };
    const actions = await this.deps.actions();
    const available = await actions.describeOwnedEnis(call, { status: "available" });
    this.sweeps += 1;
    const sweep = this.sweeps;
    const here = new Set(available.map((e) => e.eniId as string));
    // An ENI missing from this sweep (attached, deleted) starts over.
    for (const id of [...this.seen.keys()]) if (!here.has(id)) this.seen.delete(id);
    const entries: SweepEntry[] = [];
    let deletes = 0;
    for (const eni of available) {
      const sighting = this.sight(eni.eniId, atMs, sweep);
      const { ageMs, ageFrom } = this.age(eni, sighting, atMs);
      const base = { eniId: eni.eniId, ageMs, ageFrom, sightings: sighting.count };
      if (sighting.count < this.required) {
        entries.push({ ...base, decision: "sighted" });
      } else if (ageMs < this.minAgeMs) {
        entries.push({ ...base, decision: "too-young" });
      } else if (deletes >= this.maxDeletes) {
        entries.push({ ...base, decision: "deferred" });
      } else {
        deletes += 1;
        entries.push({ ...base, ...(await this.delete(actions, eni.eniId, call)) });
      }
    }
    const report: SweepReport = { atMs, sweep, dryRun: this.dryRun, entries };
    this.deps.onSweep?.(report);
    return report;
  }

  /** What a sweep would decide now, without recording a sighting or calling a mutation. */
  async preview(signal?: AbortSignal): Promise<SweepReport> {
    const atMs = this.clock.now();
    const call = { deadlineMs: atMs + this.sweepTimeoutMs, ...(signal ? { signal } : {}) };
    const actions = await this.deps.actions();
    const available = await actions.describeOwnedEnis(call, { status: "available" });
    const entries = available.map((eni): SweepEntry => {
      const known = this.seen.get(eni.eniId);
      const sighting = { firstSeenMs: known?.firstSeenMs ?? atMs, count: (known?.count ?? 0) + 1 };
      const { ageMs, ageFrom } = this.age(eni, sighting, atMs);
      const ready = sighting.count >= this.required && ageMs >= this.minAgeMs;
      const decision = ready ? "would-delete" : ageMs < this.minAgeMs ? "too-young" : "sighted";
      return { eniId: eni.eniId, ageMs, ageFrom, sightings: sighting.count, decision };
    });
    return { atMs, sweep: this.sweeps, dryRun: true, entries };
  }

  private async round(signal: AbortSignal): Promise<void> {
    try {
      await this.sweep(signal);
    } catch (err) {
      if (!signal.aborted) this.deps.onError?.(toAgentError(err));
    }
  }

  private sight(eniId: string, atMs: number, sweep: number): Sighting {
    const known = this.seen.get(eniId);
    if (known && known.lastSweep === sweep - 1) {
      known.count += 1;
      known.lastSweep = sweep;
      return known;
    }
    const fresh = { firstSeenMs: atMs, count: 1, lastSweep: sweep };
    this.seen.set(eniId, fresh);
    return fresh;
  }

  private age(
    eni: EniDescription,
    sighting: { firstSeenMs: number },
    atMs: number,
  ): { ageMs: number; ageFrom: "tag" | "first-seen" } {
    const created = parseCreatedAt(eni.tags[this.createdAtTag]);
    return created === undefined
      ? { ageMs: atMs - sighting.firstSeenMs, ageFrom: "first-seen" }
      : { ageMs: atMs - created, ageFrom: "tag" };
  }

  private async delete(
    actions: Ec2Actions,
    eniId: string,
    call: { deadlineMs: number; signal?: AbortSignal },
  ): Promise<Pick<SweepEntry, "decision" | "error">> {
    try {
      const outcome = await (this.dryRun ? actions.withDryRun() : actions).deleteEni(eniId, call);
      if (outcome !== "dry-run") this.seen.delete(eniId);
      return { decision: outcome === "dry-run" ? "would-delete" : outcome };
    } catch (err) {
      const e = toAgentError(err);
      if (e.awsCode === ENI_NOT_FOUND) return { decision: "already-gone" };
      return {
        decision: "failed",
        error: { code: e.code, message: e.message, ...(e.awsCode ? { awsCode: e.awsCode } : {}) },
      };
    }
  }
}

/** RFC 3339 / ISO 8601, or epoch seconds (10 digits) or ms (13 digits); undefined otherwise. */
export function parseCreatedAt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{10}$/.test(value)) return Number(value) * 1000;
  if (/^\d{13}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value)) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
