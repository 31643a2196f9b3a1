/**
 * The durable store the release plan journals through: a small port so the
 * plan stays testable and the aws layer stays free of the file system. The
 * file adapter is release-plan-file-store.ts; the memory adapter below serves
 * tests and dry runs.
 */
import type { ReleasePlanRecord } from "./release-plan-types.js";

export interface ReleasePlanStore {
  /** The record saved for this notice key, or undefined. Throws UNAVAILABLE when unreadable. */
  load(key: string): Promise<ReleasePlanRecord | undefined>;
  /** Replaces the record for `record.key`, durably (atomic: the old or the new record survives a crash). */
  save(record: ReleasePlanRecord): Promise<void>;
  /** Every saved record (start-up looks for unfinished plans). */
  list(): Promise<ReleasePlanRecord[]>;
}

/** In memory, copying on the way in and out so callers cannot share state with it. */
export class MemoryReleasePlanStore implements ReleasePlanStore {
  readonly records = new Map<string, ReleasePlanRecord>();
  /** How many saves it took, for tests. */
  saves = 0;

  async load(key: string): Promise<ReleasePlanRecord | undefined> {
    const record = this.records.get(key);
    return record === undefined ? undefined : structuredClone(record);
  }

  async save(record: ReleasePlanRecord): Promise<void> {
    this.saves += 1;
    this.records.set(record.key, structuredClone(record));
  }

  async list(): Promise<ReleasePlanRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }
}
