/**
 * One AWS call: an AbortSignal derived from the call's deadline (and the
 * caller's signal), the SDK's pinned retries inside it, and the failure
 * classified into AgentError (aws-errors.ts). Every EC2 request of the agent
 * goes through `callEc2`, which first takes a token from the client-side
 * bucket of its action; Auto Scaling requests go through `callAws` directly
 * (a few per plan: no bucket needed).
 */
import { AgentError, type Clock } from "../common/index.js";
import { classifyEc2Error } from "./aws-errors.js";
import type { Ec2ApiAction, Ec2RateLimiter } from "./ec2-rate-limiter.js";

export interface Ec2CallOptions {
  /** Absolute deadline, epoch ms (e.g. a termination notice's deadline). */
  readonly deadlineMs: number;
  /** Aborts the call; it then throws ABORTED. */
  readonly signal?: AbortSignal;
}

export interface Ec2CallContext {
  readonly limiter: Ec2RateLimiter;
  /** Epoch ms (the deadline's unit); the rate limiter waits on it too. */
  readonly clock: Clock;
}

/**
 * Runs `send(abortSignal)` for `action`. Throws AgentError: DEADLINE_EXCEEDED
 * (deadline passed, or no token in time), ABORTED (caller), or the
 * classification of EC2's answer (see classifyEc2Error).
 */
export async function callEc2<T>(
  context: Ec2CallContext,
  action: Ec2ApiAction,
  call: Ec2CallOptions,
  send: (abortSignal: AbortSignal) => Promise<T>,
  eniId?: string,
): Promise<T> {
  const what = eniId ? `${action} ${eniId}` : action;
  return callAws(context.clock, what, call, send, (err) => classifyEc2Error(err, action, eniId), {
    before: () => context.limiter.acquire(action, call.deadlineMs, call.signal),
  });
}

/**
 * Runs `send(abortSignal)` named `what` under `call`'s deadline and signal;
 * `classify` turns a failure into AgentError. `before` runs first (a rate
 * limiter), inside the same deadline.
 */
export async function callAws<T>(
  clock: Clock,
  what: string,
  call: Ec2CallOptions,
  send: (abortSignal: AbortSignal) => Promise<T>,
  classify: (err: unknown) => AgentError,
  hooks: { before?: () => Promise<void> } = {},
): Promise<T> {
  if (call.deadlineMs - clock.now() <= 0) {
    throw new AgentError("DEADLINE_EXCEEDED", `${what}: deadline already passed`);
  }
  if (call.signal?.aborted) {
    throw new AgentError("ABORTED", `${what}: aborted`, { cause: call.signal.reason });
  }
  await hooks.before?.();
  const deadline = new AbortController();
  // A real timer, not the clock's: it bounds a request the network holds,
  // which no virtual clock can speed up (under a test's stepping clock it is
  // an upper bound in real time that a healthy exchange never reaches).
  const timer = setTimeout(() => deadline.abort(), Math.max(1, call.deadlineMs - clock.now()));
  const signal = call.signal ? AbortSignal.any([call.signal, deadline.signal]) : deadline.signal;
  try {
    return await send(signal);
  } catch (err) {
    if (call.signal?.aborted) {
      throw new AgentError("ABORTED", `${what}: aborted`, { cause: err });
    }
    if (deadline.signal.aborted) {
      throw new AgentError("DEADLINE_EXCEEDED", `${what}: no answer before the deadline`, {
        cause: err,
      });
    }
    throw classify(err);
  } finally {
    clearTimeout(timer);
  }
}
