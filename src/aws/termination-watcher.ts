/**
 * Polls IMDS for the signals that the instance is going away and reports each
 * notice once. An owned job (a PeriodicJob): start(signal) launches one loop
 * for every source, stop() aborts it and waits; timers and fetches carry the
 * same signal.
 *
 * It never crashes on IMDS trouble and never invents a notice: a failed or
 * unreadable poll changes nothing but health and the next delay (exponential
 * backoff with jitter, capped). Unlike watchers that derive an event id from
 * the clock, every notice is deduplicated by what it means (spot action,
 * ASG target state, scheduled EventId, one rebalance recommendation): a
 * notice seen again with another deadline (a mock that moves the spot time
 * on every request) is reported as changed, never as a new notice.
 */
import {
  AgentError,
  type Clock,
  type ErrorCode,
  PeriodicJob,
  type Service,
  toAgentError,
  wallClock,
} from "../common/index.js";
import { backoffDelayMs } from "./backoff.js";
import type { MetadataReader } from "./imds-client.js";
import {
  ASG_PATH,
  parseAsgState,
  parseRebalanceNotice,
  parseScheduledEvents,
  parseSpotNotice,
  REBALANCE_PATH,
  SCHEDULED_PATH,
  SPOT_PATH,
} from "./parse-notices.js";
import {
  DEFAULT_RELEASE_POLICY,
  NOTICE_SOURCES,
  type NoticeDetail,
  type NoticeSource,
  type ReleasePolicy,
  type TerminationNotice,
  triggersRelease,
} from "./termination-notice.js";

export interface TerminationWatcherOptions {
  /**
   * Default 5000 ms: a spot notice comes 2 minutes ahead, and AWS recommends
   * checking for it every 5 s; its deadline is the notice's own time, so a
   * later sighting shortens nothing but the time left.
   */
  readonly spotIntervalMs?: number;
  /**
   * Default 5000 ms. The lifecycle hook's timeout runs from the state change,
   * which IMDS does not date: the deadline counts from one interval before
   * the sighting, so a longer interval makes it earlier, never later.
   */
  readonly asgIntervalMs?: number;
  /** Default 15000 ms: scheduled events are announced days ahead. */
  readonly scheduledIntervalMs?: number;
  /** Default 5000 ms. */
  readonly rebalanceIntervalMs?: number;
  /** Largest delay between polls of a failing source, in ms. Default 30000. */
  readonly errorBackoffMaxMs?: number;
  /** Deadline of an ASG notice: the terminate lifecycle hook's timeout, in ms. Default 120000. */
  readonly asgLifecycleHookTimeoutMs?: number;
  /** A source is unhealthy after this many consecutive failed polls. Default 3. */
  readonly unhealthyAfterErrors?: number;
  /** Which sources to poll. Default all four. */
  readonly sources?: readonly NoticeSource[];
  readonly policy?: Partial<ReleasePolicy>;
}

interface TerminationWatcherDeps {
  readonly imds: MetadataReader;
  /** Called once per new notice, synchronously; a throw is reported to onError. */
  readonly onNotice: (notice: TerminationNotice) => void;
  /**
   * A notice already reported came back with another deadline (the same
   * meaning, a moved time). Optional; a throw is reported to onError.
   */
  readonly onNoticeChanged?: (
    notice: TerminationNotice,
    previousDeadlineMs: number | undefined,
  ) => void;
  /** Poll failures and callback failures, for logs. Optional. */
  readonly onError?: (source: NoticeSource, error: AgentError) => void;
  /** After every poll, failed or not: health may have changed. Optional; must not throw. */
  readonly onPolled?: (source: NoticeSource) => void;
  /** Epoch ms: sightings, health times and the waits between polls. Default wallClock. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

interface SourceHealth {
  readonly source: NoticeSource;
  readonly lastSuccessAtMs: number | undefined;
  readonly lastErrorAtMs: number | undefined;
  readonly consecutiveErrors: number;
  readonly lastErrorCode: ErrorCode | undefined;
  readonly lastErrorMessage: string | undefined;
}

export interface WatcherHealth {
  /** Running, every source answered at least once, none failing repeatedly. */
  readonly healthy: boolean;
  readonly running: boolean;
  readonly sources: readonly SourceHealth[];
}

/** Sources due within this much of a round's start are polled in that round, in ms. */
const COALESCE_MS = 50;

/** Enough for every notice an instance can see in its life; bounds memory all the same. */
const MAX_REMEMBERED_KEYS = 1024;

export class TerminationWatcher implements Service {
  readonly name = "termination-watcher";
  readonly #deps: TerminationWatcherDeps;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #intervals: Record<NoticeSource, number>;
  readonly #errorBackoffMaxMs: number;
  readonly #hookTimeoutMs: number;
  readonly #unhealthyAfterErrors: number;
  readonly #sources: readonly NoticeSource[];
  readonly #policy: ReleasePolicy;
  /** Each reported notice by key, as last seen. */
  readonly #seen = new Map<string, TerminationNotice>();
  readonly #health = new Map<NoticeSource, SourceHealth>();
  /** When each source is due next (epoch ms on the clock); set at start. */
  readonly #dueAtMs = new Map<NoticeSource, number>();
  readonly #job: PeriodicJob;

  constructor(deps: TerminationWatcherDeps, options: TerminationWatcherOptions = {}) {
    this.#deps = deps;
    this.#clock = deps.clock ?? wallClock;
    this.#random = deps.random ?? Math.random;
    this.#intervals = {
      spot: options.spotIntervalMs ?? 5000,
      asg: options.asgIntervalMs ?? 5000,
      scheduled: options.scheduledIntervalMs ?? 15_000,
      rebalance: options.rebalanceIntervalMs ?? 5000,
    };
    for (const [source, ms] of Object.entries(this.#intervals)) {
      if (!(ms > 0)) throw new AgentError("INVALID_ARGUMENT", `${source} interval must be > 0 ms`);
    }
    this.#errorBackoffMaxMs = options.errorBackoffMaxMs ?? 30_000;
    this.#hookTimeoutMs = options.asgLifecycleHookTimeoutMs ?? 120_000;
    this.#unhealthyAfterErrors = options.unhealthyAfterErrors ?? 3;
    this.#sources = options.sources ?? NOTICE_SOURCES;
    this.#policy = { ...DEFAULT_RELEASE_POLICY, ...options.policy };
    for (const source of this.#sources) this.#health.set(source, emptyHealth(source));
    // One loop and one timer for every source: each round polls, together,
    // the sources due by then (within COALESCE_MS), and sleeps until the next
    // one is due. Sources with the same interval stay in step, so an idle
    // daemon wakes once per interval and its polls share one connection,
    // rather than each source keeping a timer of its own.
    this.#job = new PeriodicJob(
      this.name,
      {
        runFirst: true,
        intervalMs: () => Math.max(0, Math.min(...this.#dueAtMs.values()) - this.#clock.now()),
        sleep: (ms, signal) => this.#clock.sleep(ms, signal),
      },
      (signal) => this.#round(signal),
    );
  }

  /** Launches the polls and returns at once; IMDS being down does not fail start. Idempotent. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#job.signal !== null) return;
    const now = this.#clock.now();
    for (const source of this.#sources) this.#dueAtMs.set(source, now);
    await this.#job.start(signal);
  }

  /** Stops polling and waits for in-flight polls to end. Idempotent. */
  stop(): Promise<void> {
    return this.#job.stop();
  }

  /** One poll of every configured source, in parallel; for tests and a manual "check now". */
  async pollAll(signal?: AbortSignal): Promise<void> {
    await Promise.all(this.#sources.map((source) => this.#pollOnce(source, signal)));
  }

  getHealth(): WatcherHealth {
    const sources = this.#sources.map((source) => this.#health.get(source) ?? emptyHealth(source));
    const signal = this.#job.signal;
    const running = signal !== null && !signal.aborted;
    const healthy =
      running &&
      sources.every(
        (s) => s.lastSuccessAtMs !== undefined && s.consecutiveErrors < this.#unhealthyAfterErrors,
      );
    return { healthy, running, sources };
  }

  /** Polls the sources due now and sets when each is due next. */
  async #round(signal: AbortSignal): Promise<void> {
    const clock = this.#clock;
    const roundMs = clock.now() + COALESCE_MS;
    const due = this.#sources.filter((source) => (this.#dueAtMs.get(source) ?? 0) <= roundMs);
    await Promise.all(
      due.map(async (source) => {
        const delayMs = await this.#pollAndDelay(source, signal);
        // Counted from the round's start, so that sources stay in step; from
        // the poll's end when the poll outlasted it (never back to back).
        const inStep = roundMs - COALESCE_MS + delayMs;
        const now = clock.now();
        this.#dueAtMs.set(source, inStep > now ? inStep : now + delayMs);
      }),
    );
  }

  /** Polls `source` once and returns the delay until its next poll (its interval, or a backoff). */
  async #pollAndDelay(source: NoticeSource, signal: AbortSignal): Promise<number> {
    const intervalMs = this.#intervals[source];
    const ok = await this.#pollOnce(source, signal);
    if (!signal.aborted) this.#polled(source);
    if (ok) return intervalMs;
    const errors = this.#health.get(source)?.consecutiveErrors ?? 0;
    const backoff = { baseMs: intervalMs, capMs: Math.max(intervalMs, this.#errorBackoffMaxMs) };
    return backoffDelayMs(errors, backoff, this.#random);
  }

  /** Returns whether the poll succeeded; never throws. */
  async #pollOnce(source: NoticeSource, signal?: AbortSignal): Promise<boolean> {
    let details: NoticeDetail[];
    let partialErrors: AgentError[] = [];
    try {
      ({ details, partialErrors } = await this.#read(source, signal));
    } catch (err) {
      if (signal?.aborted) return false;
      const error = toAgentError(err);
      this.#recordError(source, error);
      return false;
    }
    for (const detail of details) this.#emit(source, detail);
    if (partialErrors.length > 0) {
      for (const error of partialErrors) this.#recordError(source, error);
      return false;
    }
    this.#recordSuccess(source);
    return true;
  }

  async #read(
    source: NoticeSource,
    signal?: AbortSignal,
  ): Promise<{ details: NoticeDetail[]; partialErrors: AgentError[] }> {
    const options = signal ? { signal } : {};
    const none = { details: [], partialErrors: [] };
    switch (source) {
      case "spot": {
        const r = await this.#deps.imds.get(SPOT_PATH, options);
        return r.kind === "found"
          ? { details: [parseSpotNotice(r.body)], partialErrors: [] }
          : none;
      }
      case "asg": {
        const r = await this.#deps.imds.get(ASG_PATH, options);
        if (r.kind === "not-found") return none;
        // The state may have turned just after the previous poll: the hook's
        // timeout is counted from then, one interval before this sighting.
        const changedAtMs = this.#clock.now() - this.#intervals.asg;
        const detail = parseAsgState(r.body, changedAtMs, this.#hookTimeoutMs);
        return { details: detail ? [detail] : [], partialErrors: [] };
      }
      case "scheduled": {
        const r = await this.#deps.imds.get(SCHEDULED_PATH, options);
        if (r.kind === "not-found") return none;
        const { notices, errors } = parseScheduledEvents(r.body);
        return { details: notices, partialErrors: errors };
      }
      case "rebalance": {
        const r = await this.#deps.imds.get(REBALANCE_PATH, options);
        return r.kind === "found"
          ? { details: [parseRebalanceNotice(r.body)], partialErrors: [] }
          : none;
      }
    }
  }

  #polled(source: NoticeSource): void {
    try {
      this.#deps.onPolled?.(source);
    } catch (err) {
      this.#deps.onError?.(source, toAgentError(err));
    }
  }

  #emit(source: NoticeSource, detail: NoticeDetail): void {
    const known = this.#seen.get(detail.key);
    if (known !== undefined) {
      // The ASG deadline is derived from the sighting, so it moves with
      // every poll by construction: only a deadline the notice carries changes.
      if (detail.kind === "asg-terminating" || known.deadlineMs === detail.deadlineMs) return;
      const changed = {
        ...known,
        ...detail,
        observedAtMs: known.observedAtMs,
      } as TerminationNotice;
      this.#seen.set(detail.key, changed);
      this.#call(source, () => this.#deps.onNoticeChanged?.(changed, known.deadlineMs));
      return;
    }
    const notice: TerminationNotice = {
      ...detail,
      observedAtMs: this.#clock.now(),
      triggersRelease: triggersRelease(detail, this.#policy),
    };
    this.#seen.set(detail.key, notice);
    if (this.#seen.size > MAX_REMEMBERED_KEYS) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    this.#call(source, () => this.#deps.onNotice(notice));
  }

  /** Runs a consumer's callback; its failure is reported, never thrown into the poll. */
  #call(source: NoticeSource, callback: () => void): void {
    try {
      callback();
    } catch (err) {
      this.#deps.onError?.(source, toAgentError(err));
    }
  }

  #recordSuccess(source: NoticeSource): void {
    const previous = this.#health.get(source) ?? emptyHealth(source);
    this.#health.set(source, {
      ...previous,
      lastSuccessAtMs: this.#clock.now(),
      consecutiveErrors: 0,
    });
  }

  #recordError(source: NoticeSource, error: AgentError): void {
    const previous = this.#health.get(source) ?? emptyHealth(source);
    this.#health.set(source, {
      ...previous,
      lastErrorAtMs: this.#clock.now(),
      consecutiveErrors: previous.consecutiveErrors + 1,
      lastErrorCode: error.code,
      lastErrorMessage: error.message,
    });
    this.#deps.onError?.(source, error);
  }
}

function emptyHealth(source: NoticeSource): SourceHealth {
  return {
    source,
    lastSuccessAtMs: undefined,
    lastErrorAtMs: undefined,
    consecutiveErrors: 0,
    lastErrorCode: undefined,
    lastErrorMessage: undefined,
  };
}
