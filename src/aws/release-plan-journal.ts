/**
 * Journals one plan record as it changes. Steps change in bursts (every
 * ENI and device moves at once), and each change must be durable before the
 * next EC2 call that depends on it; this writer keeps that promise without
 * one store write per change.
 */
import type { ReleasePlanStore } from "./release-plan-store.js";
import type { ReleasePlanRecord } from "./release-plan-types.js";

/**
 * Returns a function that saves `record` as it is when the write starts.
 * One write at a time; calls arriving during a write share the next one, so
 * a burst of changes costs two writes and each caller resolves once its
 * change is durable. A failed save goes to `onError` and never rejects: the
 * plan goes on without its journal rather than leave ENIs behind.
 */
export function planJournal(
  store: ReleasePlanStore,
  record: ReleasePlanRecord,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let writing: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  return () => {
    if (queued) return queued;
    const next = writing.then(async () => {
      queued = undefined;
      await store.save(record).catch(onError);
    });
    queued = next;
    writing = next;
    return next;
  };
}
