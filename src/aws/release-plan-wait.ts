/**
 * Waits for many detaching ENIs at once: one describe per round covers every
 * ENI still waiting, instead of one describe per ENI per round. At fleet
 * scale the filtered Describe bucket (100 burst, 20 per second, per account)
 * is what runs out first; a host releasing 15 ENIs then spends a request
 * per round, not fifteen.
 */
import { AgentError, type EniId, isAgentError } from "../common/index.js";
import { backoffDelayMs } from "./backoff.js";
import type { Ec2Actions } from "./ec2-actions.js";
import type { Ec2CallOptions } from "./ec2-call.js";
import type { EniDescription } from "./eni-description.js";
import type { ReleaseClock } from "./release-plan-config.js";

interface Waiter {
  resolve(eni: EniDescription | undefined): void;
  reject(error: AgentError): void;
  last: string;
}

export interface AvailableWaiterOptions {
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
