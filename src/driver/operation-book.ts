/**
 * The engine's view of the journal: every record goes through here, so the
 * in-memory index (operations by id, latest per device) always matches what
 * is durable. Device health is derived from it, never stored apart.
 */
import type { PciAddress } from "../common/index.js";
import type { Clock } from "./clock.js";
import {
  compactRecords,
  foldJournal,
  type Journal,
  type JournalLoad,
  type JournalRecord,
} from "./journal.js";
import type {
  DeviceHealth,
  DeviceSnapshot,
  DeviceState,
  ErrorSummary,
  OperationHeader,
  OperationOutcome,
  OperationView,
} from "./types.js";

export class OperationBook {
  readonly journal: Journal;
  readonly #clock: Clock;
  readonly #views = new Map<string, OperationView>();
  readonly #latest = new Map<PciAddress, OperationView>();

  constructor(journal: Journal, clock: Clock) {
    this.journal = journal;
    this.#clock = clock;
  }

  /**
   * Loads the journal into the index; compacts it when it holds more than
   * twice `keepFinished` operations or bad records (null: read only, never
   * rewrite). Bad records come back as problems.
   */
  async load(keepFinished: number | null): Promise<JournalLoad> {
    const loaded = await this.journal.load();
    this.#views.clear();
    this.#latest.clear();
    for (const view of foldJournal(loaded.records)) this.#index(view);
    if (keepFinished === null) return loaded;
    if (loaded.problems.length > 0 || this.#views.size > 2 * keepFinished) {
      // Rewriting drops torn and corrupt lines (already reported) and old history.
      await this.journal.replace(compactRecords(loaded.records, keepFinished));
    }
    return loaded;
  }

  /** Durable before it resolves: the write-ahead record of an operation. */
  async begin(header: OperationHeader): Promise<void> {
    await this.journal.append({ v: 1, type: "begin", at: this.#clock.isoNow(), op: header });
    this.#index({ header, status: "running", endedAt: null, observed: null, error: null });
  }

  async stuck(id: string, observed: DeviceState | null, error: ErrorSummary): Promise<void> {
    await this.#record({ v: 1, type: "stuck", at: this.#clock.isoNow(), id, observed, error });
  }

  async end(
    id: string,
    outcome: OperationOutcome,
    observed: DeviceState | null,
    error: ErrorSummary | null,
  ): Promise<void> {
    await this.#record({
      v: 1,
      type: "end",
      at: this.#clock.isoNow(),
      id,
      outcome,
      observed,
      error,
    });
  }

  async #record(record: Extract<JournalRecord, { id: string }>): Promise<void> {
    await this.journal.append(record);
    const view = this.#views.get(record.id);
    if (view === undefined) return;
    view.observed = record.observed;
    view.error = record.error;
    if (record.type === "stuck") view.status = "stuck";
    else {
      view.status = record.outcome;
      view.endedAt = record.at;
    }
  }

  #index(view: OperationView): void {
    this.#views.set(view.header.id, view);
    this.#latest.set(view.header.device, view);
  }

  get(id: string): OperationView | undefined {
    return this.#views.get(id);
  }

  /** Every known operation, oldest first. */
  list(): OperationView[] {
    return [...this.#views.values()];
  }

  unfinished(): OperationView[] {
    return this.list().filter((v) => v.status === "running" || v.status === "stuck");
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
