/**
 * The engine's view of the journal: every record goes through here, so the
 * in-memory index (operations by id, latest per device) always matches what
 * is durable, or says where it is not: end records the journal refused wait
 * here for their retry. Device health is derived from it, never stored apart.
 */

import { deadlineAfter } from "../common/confirm-window.js";
import { type PciAddress, toAgentError } from "../common/index.js";
import type { Clock } from "./clock.js";
import {
  applyRecord,
  compactRecords,
  endWait,
  foldJournal,
  isOpen,
  type Journal,
  type JournalLoad,
  type JournalProblem,
  type JournalRecord,
  openView,
  supersede,
} from "./journal.js";
import type {
  ConfirmedBy,
  DeviceHealth,
  DeviceSnapshot,
  DeviceState,
  ErrorSummary,
  OperationHeader,
  OperationOutcome,
  OperationView,
} from "./types.js";

/** What is wrong with the journal now, for health and `ops`. */
export interface JournalIssues {
  /** Records the last load skipped (damaged, malformed, contradicting), with their line. */
  skipped: JournalProblem[];
  /** End records the journal refused; retried by `flush()`. */
  unwritten: { operationId: string; device: PciAddress; error: string }[];
  /** Operations recovery left open because a check refused to act on them. */
  refused: { operationId: string; device: PciAddress; error: ErrorSummary }[];
}

/** One sentence per issue, for people (health details, `ops`). */
export function journalNotes(issues: JournalIssues): string[] {
  return [
    ...issues.unwritten.map(
      (u) =>
        `end record of operation ${u.operationId} (${u.device}) not written: ${u.error}; retrying`,
    ),
    ...issues.refused.map(
      (r) => `operation ${r.operationId} (${r.device}) left open at start-up: ${r.error.message}`,
    ),
    ...issues.skipped.map(
      (p) => `journal line ${p.line} skipped at start-up: ${p.kind}: ${p.detail}`,
    ),
  ];
}

type EndRecord = Extract<JournalRecord, { type: "end" }>;

export class OperationBook {
  readonly journal: Journal;
  readonly #clock: Clock;
  readonly #views = new Map<string, OperationView>();
  readonly #latest = new Map<PciAddress, OperationView>();
  readonly #unwritten = new Map<string, { record: EndRecord; error: string }>();
  readonly #refused = new Set<string>();
  #skipped: JournalProblem[] = [];

  constructor(journal: Journal, clock: Clock) {
    this.journal = journal;
    this.#clock = clock;
  }

  /** Loads the journal into the index. Bad records come back as problems. */
  async load(): Promise<JournalLoad> {
    const loaded = await this.journal.load();
    this.#views.clear();
    this.#latest.clear();
    this.#refused.clear();
    for (const view of foldJournal(loaded.records)) {
      this.#views.set(view.header.id, view);
      this.#latest.set(view.header.device, view);
    }
    this.#skipped = loaded.problems;
    return loaded;
  }

  /**
   * Rewrites the journal when it holds bad records (dropping them: they are
   * reported already) or more than twice `keepFinished` operations.
   */
  async compact(keepFinished: number): Promise<void> {
    if (this.#skipped.length === 0 && this.#views.size <= 2 * keepFinished) return;
    const { records } = await this.journal.load();
    await this.journal.replace(compactRecords(records, keepFinished));
  }

  /**
   * Durable before it resolves: the write-ahead record of an operation.
   * Returns the device's previous operation when this one ended the
   * confirmation it awaited, else null.
   */
  async begin(header: OperationHeader): Promise<OperationView | null> {
    const at = this.#clock.isoNow();
    await this.journal.append({ v: 1, type: "begin", at, op: header });
    const view = openView(header);
    const previous = this.#latest.get(header.device);
    let waitEnded: OperationView | null = null;
    if (previous !== undefined) {
      supersede(previous, header.id);
      this.#refused.delete(previous.header.id);
      const waited = previous.confirmation?.state === "pending";
      endWait(previous, header, at);
      if (waited) waitEnded = previous;
    }
    this.#views.set(header.id, view);
    this.#latest.set(header.device, view);
    return waitEnded;
  }

  /** Makes a bind on trial final (durable before it resolves). */
  async confirm(id: string, by: ConfirmedBy): Promise<void> {
    const record: JournalRecord = { v: 1, type: "confirmed", at: this.#clock.isoNow(), id, by };
    await this.journal.append(record);
    const view = this.#views.get(id);
    if (view !== undefined) applyRecord(view, record);
  }

  /** Whether the end record of `id` still waits for its retry. */
  endUnwritten(id: string): boolean {
    return this.#unwritten.has(id);
  }

  async stuck(id: string, observed: DeviceState | null, error: ErrorSummary): Promise<void> {
    const record: JournalRecord = {
      v: 1,
      type: "stuck",
      at: this.#clock.isoNow(),
      id,
      observed,
      error,
    };
    await this.journal.append(record);
    const view = this.#views.get(id);
    if (view !== undefined) applyRecord(view, record);
  }

  /**
   * Ends an operation. The index follows at once (the device is where the
   * outcome says); when the journal refuses the record, it is kept for
   * `flush()` and the error is returned, never thrown away.
   */
  async end(
    id: string,
    outcome: OperationOutcome,
    observed: DeviceState | null,
    error: ErrorSummary | null,
  ): Promise<Error | null> {
    const at = this.#clock.isoNow();
    const record: EndRecord = { v: 1, type: "end", at, id, outcome, observed, error };
    const view = this.#views.get(id);
    // A bind on trial waits from the moment it verifiably committed.
    const window = view?.header.confirmWithinMs;
    if (outcome === "committed" && window !== undefined)
      record.deadline = deadlineAfter(at, window);
    if (view !== undefined) applyRecord(view, record);
    this.#refused.delete(id);
    try {
      await this.journal.append(record);
      return null;
    } catch (err) {
      const failure = toAgentError(err);
      this.#unwritten.set(id, { record, error: failure.message });
      return failure;
    }
  }

  /** Writes the end records the journal refused, oldest first; true when none is left. */
  async flush(): Promise<boolean> {
    for (const [id, pending] of this.#unwritten) {
      try {
        await this.journal.append(pending.record);
      } catch (err) {
        pending.error = toAgentError(err).message;
        return false;
      }
      this.#unwritten.delete(id);
    }
    return true;
  }

  /** Recovery refused to act on an open operation: it stays open, with the reason as its error. */
  refuse(id: string, error: ErrorSummary): void {
    const view = this.#views.get(id);
    if (view === undefined || !isOpen(view)) return;
    view.error = error;
    this.#refused.add(id);
  }

  issues(): JournalIssues {
    const device = (id: string) => this.#views.get(id)?.header.device ?? ("" as PciAddress);
    return {
      skipped: [...this.#skipped],
      unwritten: [...this.#unwritten].map(([operationId, u]) => ({
        operationId,
        device: device(operationId),
        error: u.error,
      })),
      refused: [...this.#refused].map((operationId) => ({
        operationId,
        device: device(operationId),
        error: this.#views.get(operationId)?.error ?? { code: "UNKNOWN", message: "" },
      })),
    };
  }

  get(id: string): OperationView | undefined {
    return this.#views.get(id);
  }

  /** Every known operation, oldest first. */
  list(): OperationView[] {
    return [...this.#views.values()];
  }

  unfinished(): OperationView[] {
    return this.list().filter(isOpen);
  }

  latestFor(device: PciAddress): OperationView | undefined {
    return this.#latest.get(device);
  }

  /** The device as its kernel driver last had it, carried by its latest operation. */
  homeFor(device: PciAddress): DeviceSnapshot | null {
    return this.#latest.get(device)?.header.home ?? null;
  }

  /** Every device the journal knows, with its last operation. */
  devices(): Map<PciAddress, OperationView> {
    return new Map(this.#latest);
  }

  /**
   * stuck: a write of its latest operation is blocked in the kernel.
   * degraded: its latest rollback failed, or a repair of it did not take
   * (the repair rolled back to the degraded state it started from).
   */
  health(device: PciAddress): DeviceHealth {
    const latest = this.#latest.get(device);
    if (latest === undefined) return "ok";
    if (latest.status === "stuck") return "stuck";
    if (latest.status === "rollback_failed") return "degraded";
    if (latest.header.kind === "repair" && latest.status === "rolled_back") return "degraded";
    return "ok";
  }
}
