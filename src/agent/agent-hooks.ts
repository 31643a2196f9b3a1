/**
 * The composition root's hooks that are not services of their own: the
 * state directory's lock, the adapters' services (the simulated endpoints),
 * the EC2 client's sockets, and journal recovery whose stop is the drain.
 * Each is a start/stop pair for the ordered list in agent.ts.
 */
import type { Service } from "../common/index.js";
import { type LockOwner, lockStateDir, type StateLock } from "../driver/index.js";
import type { AgentLog } from "./agent-log.js";
import { type Hook, hook } from "./lifecycle-hooks.js";

export type { LockOwner } from "../driver/index.js";

/** Takes `<stateDir>/lock` at start (no lock without an owner: tests of one agent). */
export function stateDirHook(stateDir: string, owner: LockOwner | undefined): Hook {
  let lock: StateLock | null = null;
  return hook(
    "state-dir",
    async () => {
      if (owner) lock = await lockStateDir(stateDir, owner);
    },
    async () => {
      await lock?.release();
      lock = null;
    },
  );
}

/**
 * The adapters' own services (the simulated IMDS and EC2 endpoints), started
 * first and stopped last. They get a signal of their own rather than the
 * lifecycle's: that one aborts when a stop begins, and work the stop drains
 * (a transaction, a termination plan, DeleteOnTermination at bind) still
 * talks to them until the drain is over. A start that fails or times out
 * still aborts them.
 */
export function adaptersHook(services: readonly Service[]): Hook {
  let own: AbortController | null = null;
  return hook(
    "adapters",
    async (signal) => {
      own = new AbortController();
      const abort = own;
      const forward = () => abort.abort(signal.reason);
      signal.addEventListener("abort", forward, { once: true });
      try {
        for (const s of services) await s.start(abort.signal);
      } finally {
        signal.removeEventListener("abort", forward);
      }
    },
    async () => {
      for (const s of [...services].reverse()) await s.stop();
      own?.abort();
      own = null;
    },
  );
}

/** An AWS client is made on first use; its sockets close at stop. */
export function ec2ClientHook(client: { destroy(): void }, name = "ec2-client"): Hook {
  return hook(
    name,
    () => undefined,
    () => client.destroy(),
  );
}

/**
 * Journal recovery at start (before the listeners accept work); at stop,
 * the drain: running transactions, hot-attach work and termination plans
 * run to their end, for up to `drainMs`.
 */
export function recoveryHook(
  core: { recover(): Promise<unknown>; drain(timeoutMs: number): Promise<boolean> },
  drainMs: number,
  log: AgentLog,
): Hook {
  return hook(
    "journal-recovery",
    async () => {
      await core.recover();
    },
    async () => {
      if (!(await core.drain(drainMs))) {
        log.error({ timeoutMs: drainMs }, "transactions still running at the drain timeout");
      }
    },
    drainMs + 5_000,
  );
}
