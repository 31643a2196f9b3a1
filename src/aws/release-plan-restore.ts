/**
 * The restore half of a release plan: every device a DPDK driver holds goes
 * back to its kernel driver, a few at a time, each step reported and
 * journaled. The restore itself is injected (this layer never touches sysfs);
 * the EC2 half waits on `back(device)` before it detaches the device's ENI.
 */
import { toAgentError } from "../common/index.js";
import type { ReleasePlanRecord, RestoreStep } from "./release-plan-types.js";

export interface RestoreOptions {
  /** Returns one device to its kernel driver, verified; throws AgentError on failure. */
  readonly restore: (device: string, signal: AbortSignal) => Promise<void>;
  /** Devices restored at once. */
  readonly concurrency: number;
  readonly signal: AbortSignal;
  /** Reports and journals a step after a change; resolves once it is durable. */
  readonly update: (step: RestoreStep) => Promise<void>;
}

export interface RestoreRun {
  /** True once the device is back with its kernel driver; false when its restore failed. */
  readonly back: (device: string) => Promise<boolean>;
  /** Settles when every restore has ended; never rejects (failures are in the steps). */
  readonly done: Promise<void>;
}

/** Starts the restores not done yet; `back` is answerable at once, for every device. */
export function startRestores(record: ReleasePlanRecord, options: RestoreOptions): RestoreRun {
  const restored = new Map<string, Promise<boolean>>();
  const todo: { step: RestoreStep; resolve: (ok: boolean) => void }[] = [];
  for (const step of record.restores) {
    if (step.status === "done") {
      restored.set(step.device, Promise.resolve(true));
      continue;
    }
    let resolve: (ok: boolean) => void = () => {};
    restored.set(step.device, new Promise<boolean>((r) => (resolve = r)));
    todo.push({ step, resolve });
  }
  const done = runPool(todo, options.concurrency, async ({ step, resolve }) => {
    if (record.dryRun) {
      step.status = "dry-run";
      await options.update(step);
      return resolve(true);
    }
    step.status = "running";
    await options.update(step);
    try {
      await options.restore(step.device, options.signal);
      step.status = "done";
      step.error = undefined;
    } catch (err) {
      step.status = "failed";
      step.error = toAgentError(err).toJSON();
    }
    await options.update(step);
    resolve(step.status === "done");
  });
  // A device the plan does not restore is not held by DPDK: nothing to wait for.
  return { back: (device) => restored.get(device) ?? Promise.resolve(true), done };
}

/** Runs `fn` over `items` with at most `limit` at once; `fn` must not throw. */
async function runPool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
