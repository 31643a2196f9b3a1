/**
 * The EC2 work on one owned ENI, driven by its journaled phase so that a
 * restarted agent continues where the killed one stopped: detach → wait for
 * `available` → delete, or a single detach, or a single DeleteOnTermination
 * mark. Every step is idempotent against EC2 (a detach of a gone attachment,
 * a delete of a gone ENI: success), and transient failures (see isTransient:
 * throttling past the SDK's retries, 5xx, IncorrectState, an ENI still
 * attached or detaching) are retried with backoff until the plan's deadline.
 */
import {
  AgentError,
  type EniId,
  isAgentError,
  Semaphore,
  toAgentError,
} from "../../common/index.js";
import { isTransient } from "../aws-errors.js";
import { backoffDelayMs } from "../backoff.js";
import type { Ec2Actions } from "../ec2-actions.js";
import type { Ec2CallOptions } from "../ec2-call.js";
import type { EniDescription } from "../eni-description.js";
import type { EniOutcome, EniPhase, EniStep } from "./plan-record.js";
import type { ReleaseClock, ReleasePlanSettings } from "./release-plan.js";

export interface EniWorkContext {
  readonly actions: Ec2Actions;
  /** Runs one mutating step (its describes and its call) when a call slot is free. */
  readonly slot: <T>(call: () => Promise<T>) => Promise<T>;
  /** What the plan's listing said about the ENI in this run (saves a re-describe). */
  readonly seen: (eniId: EniId) => EniDescription | undefined;
  /** Resolves once the ENI is `available` (undefined: gone); see AvailableWaiter. */
  readonly waitAvailable: (eniId: EniId) => Promise<EniDescription | undefined>;
  readonly call: Ec2CallOptions;
  readonly clock: ReleaseClock;
  readonly retry: { readonly baseMs: number; readonly capMs: number };
  /** Journals and reports the step after a change; resolves once it is durable. */
  readonly update: (step: EniStep) => Promise<void>;
}

/**
 * A context for EC2 work under one deadline (and signal): its own call
 * slots and its own waiter for `available`. It knows no listing and reports
 * nothing; a plan's run overrides `seen` and `update`.
 */
export function eniWorkContext(
  actions: Ec2Actions,
  call: Ec2CallOptions,
  tuning: Pick<
    ReleasePlanSettings,
    "concurrency" | "waitBaseDelayMs" | "waitMaxDelayMs" | "retryBaseDelayMs" | "retryMaxDelayMs"
  >,
  clock: ReleaseClock,
): EniWorkContext {
  const slots = new Semaphore(tuning.concurrency);
  const waiter = new AvailableWaiter(actions, call, {
    backoff: { baseMs: tuning.waitBaseDelayMs, capMs: tuning.waitMaxDelayMs },
    clock,
  });
  return {
    actions,
    call,
    slot: (call) => slots.run(call),
    waitAvailable: (eniId) => waiter.wait(eniId),
    seen: () => undefined,
    clock,
    retry: { baseMs: tuning.retryBaseDelayMs, capMs: tuning.retryMaxDelayMs },
    update: async () => {},
  };
}

/** Runs `attempt` until it succeeds, a failure is not transient, or the deadline comes. */
export async function withRetries<T>(
  ctx: Pick<EniWorkContext, "call" | "clock" | "retry">,
  attempt: () => Promise<T>,
): Promise<T> {
  let previous: AgentError | undefined;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const error = explain(toAgentError(err), previous);
      if (!isTransient(error) || ctx.call.signal?.aborted) throw error;
      const delayMs = backoffDelayMs(n, ctx.retry, ctx.clock.random);
      if (ctx.clock.now() + delayMs >= ctx.call.deadlineMs) throw error;
      previous = error;
      await ctx.clock.sleep(delayMs, ctx.call.signal).catch(() => {
        throw error;
      });
    }
  }
}

/** A deadline that ends a run of failures says what was failing, not only that time ran out. */
function explain(error: AgentError, previous: AgentError | undefined): AgentError {
  if (error.code !== "DEADLINE_EXCEEDED" || previous === undefined) return error;
  return new AgentError("DEADLINE_EXCEEDED", `${error.message}; before that: ${previous.message}`, {
    ...previous.details(),
    cause: error,
  });
}

async function move(ctx: EniWorkContext, step: EniStep, phase: EniPhase): Promise<void> {
  step.phase = phase;
  await ctx.update(step);
}

async function finish(ctx: EniWorkContext, step: EniStep, outcome: EniOutcome): Promise<void> {
  step.outcome = outcome;
  step.error = undefined;
  step.failedIn = undefined;
  await move(ctx, step, "done");
}

/**
 * Marks DeleteOnTermination ahead of the release (the cheapest protection
 * when time is short). Never fails the step: the release still follows.
 * Returns false when the ENI turned out to be gone already.
 */
export async function secureEni(ctx: EniWorkContext, step: EniStep): Promise<boolean> {
  if (step.phase !== "pending" || step.deleteOnTermination) return true;
  try {
    const outcome = await withRetries(ctx, () =>
      ctx.slot(() => ctx.actions.setDeleteOnTermination(step.eniId, ctx.call)),
    );
    if (outcome === "dry-run") return true;
    step.deleteOnTermination = true;
    await move(ctx, step, "secured");
  } catch (err) {
    if (isAgentError(err) && err.code === "NOT_FOUND") {
      await finish(ctx, step, "already-gone");
      return false;
    }
    // Not attached any more, or out of time: the release itself decides.
  }
  return true;
}

/** Runs the step's EC2 work from its current phase to `done`; throws what stopped it. */
export async function releaseEni(ctx: EniWorkContext, step: EniStep): Promise<void> {
  if (step.phase === "done") return;
  switch (step.action) {
    case "mark-delete-on-termination": {
      const outcome = await withRetries(ctx, () =>
        ctx.slot(() => ctx.actions.setDeleteOnTermination(step.eniId, ctx.call)),
      );
      if (outcome !== "dry-run") step.deleteOnTermination = true;
      return finish(ctx, step, outcome === "dry-run" ? "dry-run" : "delete-on-termination-set");
    }
    case "detach": {
      const outcome = await withRetries(ctx, () =>
        ctx.slot(() => ctx.actions.detachEni(step.eniId, ctx.call)),
      );
      if (outcome === "already-gone" || outcome === "dry-run") return finish(ctx, step, outcome);
      return finish(ctx, step, "detached");
    }
    case "detach-and-delete":
      return detachAndDelete(ctx, step);
    case "covered":
    case "skip":
      return;
  }
}

async function detachAndDelete(ctx: EniWorkContext, step: EniStep): Promise<void> {
  const { actions, call } = ctx;
  let available: EniDescription | undefined;
  if (step.phase === "pending" || step.phase === "secured" || step.phase === "failed") {
    const outcome = await withRetries(ctx, () =>
      ctx.slot(() => actions.detachEni(step.eniId, call, ctx.seen(step.eniId))),
    );
    if (outcome === "already-gone" || outcome === "dry-run") return finish(ctx, step, outcome);
    await move(ctx, step, "detaching");
  }
  if (step.phase === "detaching") {
    // The waiter retries failing describes itself, inside the same deadline.
    available = await ctx.waitAvailable(step.eniId);
    if (available === undefined) return finish(ctx, step, "already-gone");
    step.deleteOnTermination = false;
    await move(ctx, step, "detached");
  }
  // Just described `available` by the wait: no re-describe before the delete.
  const seen = available;
  const outcome = await withRetries(ctx, () =>
    ctx.slot(() => actions.deleteEni(step.eniId, call, seen)),
  );
  return finish(ctx, step, outcome === "dry-run" ? "dry-run" : outcome);
}

/*
 * Waits for many detaching ENIs at once: one describe per round covers every
 * ENI still waiting, instead of one describe per ENI per round. At fleet
 * scale the filtered Describe bucket (100 burst, 20 per second, per account)
 * is what runs out first; a host releasing 15 ENIs then spends a request
 * per round, not fifteen.
 */

interface Waiter {
  resolve(eni: EniDescription | undefined): void;
  reject(error: AgentError): void;
  last: string;
}

interface AvailableWaiterOptions {
  /** Delays between rounds: exponential with jitter from baseMs, capped. */
  readonly backoff: { readonly baseMs: number; readonly capMs: number };
  readonly clock: Pick<ReleaseClock, "now" | "sleep" | "random">;
}

export class AvailableWaiter {
  private readonly waiting = new Map<EniId, Waiter>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly actions: Ec2Actions,
    private readonly call: Ec2CallOptions,
    private readonly options: AvailableWaiterOptions,
  ) {}

  /**
   * Resolves with the ENI once it is `available`, with undefined once EC2
   * no longer knows it; rejects DEADLINE_EXCEEDED (saying what it was last
   * seen doing) at the call's deadline, ABORTED on its signal.
   */
  wait(eniId: EniId): Promise<EniDescription | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.set(eniId, { resolve, reject, last: "not described yet" });
      this.loop ??= this.run().finally(() => {
        this.loop = undefined;
      });
    });
  }

  private async run(): Promise<void> {
    const { backoff, clock } = this.options;
    const { random, now } = clock;
    // Rounds that failed (throttled) back off further: up to ten times the round cap.
    const failing = { baseMs: backoff.capMs, capMs: 10 * backoff.capMs };
    let failures = 0;
    for (let round = 0; this.waiting.size > 0; round++) {
      const delayMs =
        failures > 0
          ? backoffDelayMs(failures, failing, random)
          : backoffDelayMs(round, backoff, random);
      if (now() + delayMs >= this.call.deadlineMs) return this.fail("deadline");
      try {
        await clock.sleep(delayMs, this.call.signal);
      } catch (reason) {
        return this.fail("aborted", reason);
      }
      const ids = [...this.waiting.keys()].slice(0, 200);
      let described: EniDescription[];
      try {
        described = await this.actions.describeEnis(ids, this.call);
      } catch (err) {
        if (isAgentError(err) && err.code === "UNAVAILABLE") {
          failures += 1;
          for (const id of ids) this.note(id, `describe failing with ${err.awsCode ?? err.code}`);
          continue;
        }
        // A describe that runs into the deadline: say what each ENI was last seen doing.
        if (isAgentError(err) && err.code === "DEADLINE_EXCEEDED") return this.fail("deadline");
        return this.fail("error", err);
      }
      failures = 0;
      const byId = new Map(described.map((e) => [e.eniId, e]));
      for (const id of ids) {
        const eni = byId.get(id);
        if (eni === undefined || eni.status === "available") this.settle(id, eni);
        else this.note(id, `last seen ${eni.status}`);
      }
    }
  }

  private note(id: EniId, last: string): void {
    const waiter = this.waiting.get(id);
    if (waiter) waiter.last = last;
  }

  private settle(id: EniId, eni: EniDescription | undefined): void {
    this.waiting.get(id)?.resolve(eni);
    this.waiting.delete(id);
  }

  private fail(why: "deadline" | "aborted" | "error", cause?: unknown): void {
    for (const [id, waiter] of this.waiting) {
      waiter.reject(
        why === "error" && isAgentError(cause)
          ? cause
          : why === "aborted"
            ? new AgentError("ABORTED", `${id}: wait for available aborted`, { cause })
            : new AgentError(
                "DEADLINE_EXCEEDED",
                `${id}: not available by the deadline (${waiter.last})`,
              ),
      );
    }
    this.waiting.clear();
  }
}
