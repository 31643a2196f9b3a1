/**
 * The composition root's ordered start/stop hooks: start in order, each
 * bounded by a timeout; stop in reverse; a failed start stops what already
 * started (and the hook that failed, whose stop is idempotent) and rethrows.
 */
import { AgentError, type Service, toAgentError } from "../common/index.js";

interface HookLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

interface LifecycleOptions {
  /** Bound of one hook's start, in ms. Default 30 000. */
  startTimeoutMs?: number;
  /** Bound of one hook's stop, in ms (a hook that drains work sets its own). Default 30 000. */
  stopTimeoutMs?: number;
}

export interface Hook extends Service {
  /** Overrides the lifecycle's stop bound for this hook (e.g. a drain). */
  readonly stopTimeoutMs?: number;
}

/** Wraps two functions as a hook. */
export function hook(
  name: string,
  start: (signal: AbortSignal) => Promise<void> | void,
  stop: () => Promise<void> | void = () => undefined,
  stopTimeoutMs?: number,
): Hook {
  return {
    name,
    stopTimeoutMs,
    start: async (signal) => start(signal),
    stop: async () => stop(),
  };
}

export class Lifecycle {
  readonly #hooks: Hook[] = [];
  readonly #log: HookLog;
  readonly #startTimeoutMs: number;
  readonly #stopTimeoutMs: number;
  #started: Hook[] = [];
  #abort: AbortController | null = null;
  #stopping: Promise<void> | null = null;

  constructor(log: HookLog, options: LifecycleOptions = {}) {
    this.#log = log;
    this.#startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  }

  add(hook: Hook): this {
    this.#hooks.push(hook);
    return this;
  }

  /** Names of the hooks that are started, in start order. */
  started(): string[] {
    return this.#started.map((h) => h.name);
  }

  /** Starts every hook in order. On failure, stops the started ones in reverse and rethrows. */
  async start(): Promise<void> {
    if (this.#abort !== null) throw new AgentError("FAILED_PRECONDITION", "already started");
    const abort = new AbortController();
    this.#abort = abort;
    for (const h of this.#hooks) {
      const t0 = performance.now();
      // Recorded before it runs: a hook that fails half-way undoes itself in stop().
      this.#started.push(h);
      try {
        await bounded(h.start(abort.signal), this.#startTimeoutMs, () => {
          abort.abort(new AgentError("DEADLINE_EXCEEDED", `${h.name} did not start in time`));
        });
      } catch (err) {
        const error = toAgentError(err);
        this.#log.error({ hook: h.name, err: error }, "start failed; stopping what started");
        await this.stop();
        throw new AgentError(error.code, `${h.name}: ${error.message}`, {
          ...error.details(),
          cause: error,
        });
      }
      this.#log.info({ hook: h.name, durationMs: ms(t0) }, "started");
    }
  }

  /** Stops started hooks in reverse order; idempotent, never rejects. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop().finally(() => {
      this.#stopping = null;
    });
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    this.#abort?.abort(new AgentError("ABORTED", "stopping"));
    while (this.#started.length > 0) {
      const h = this.#started.pop()!;
      const t0 = performance.now();
      const limit = h.stopTimeoutMs ?? this.#stopTimeoutMs;
      try {
        await bounded(h.stop(), limit, () => undefined);
        this.#log.info({ hook: h.name, durationMs: ms(t0) }, "stopped");
      } catch (err) {
        this.#log.warn({ hook: h.name, err: toAgentError(err), limitMs: limit }, "stop failed");
      }
    }
    this.#abort = null;
  }
}

function ms(t0: number): number {
  return Math.round(performance.now() - t0);
}

/** `work`, or DEADLINE_EXCEEDED after `timeoutMs` (calling `onTimeout`); the timer never outlives it. */
async function bounded(
  work: Promise<void>,
  timeoutMs: number,
  onTimeout: () => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // A late failure after the timeout has nobody left to hear it.
  work.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new AgentError("DEADLINE_EXCEEDED", `no answer in ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
