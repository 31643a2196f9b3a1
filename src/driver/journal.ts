/**
 * The operation journal: a write-ahead log of driver transactions. An
 * operation is durable in the journal before its first sysfs write, so a
 * restarted agent knows every move that was under way and resolves it.
 *
 * Format (both adapters): one record per line, `<crc32 hex> <json>\n`. The
 * checksum covers the JSON text, so a torn tail (crash mid-write) or a
 * flipped byte is detected and reported instead of crashing start-up.
 * Records carry a version `v`; an unknown version is reported and skipped.
 */
import { crc32 } from "node:zlib";
import { recordProblem } from "./journal-record.js";
import type {
  ConfirmedBy,
  DeviceState,
  ErrorSummary,
  OperationHeader,
  OperationOutcome,
  OperationRequest,
  OperationView,
} from "./types.js";

const JOURNAL_VERSION = 1;

export type JournalRecord =
  | { v: 1; type: "begin"; at: string; op: OperationHeader }
  /** A write outlived its deadline; the operation stays open until it is resolved. */
  | {
      v: 1;
      type: "stuck";
      at: string;
      id: string;
      observed: DeviceState | null;
      error: ErrorSummary;
    }
  /**
   * `superseded`: closed because a later operation began on its device
   * (never resolved). `deadline`: a bind on trial committed and awaits
   * confirmation until then (ISO-8601 wall time).
   */
  | {
      v: 1;
      type: "end";
      at: string;
      id: string;
      outcome: OperationOutcome;
      observed: DeviceState | null;
      error: ErrorSummary | null;
      deadline?: string;
    }
  /** A bind on trial awaiting confirmation is final: it is never reverted. */
  | { v: 1; type: "confirmed"; at: string; id: string; by: ConfirmedBy };

export interface JournalProblem {
  /** 1-based line number in the journal. */
  line: number;
  kind: "torn" | "checksum" | "syntax" | "version" | "shape";
  detail: string;
}

export interface JournalLoad {
  records: JournalRecord[];
  problems: JournalProblem[];
}

/**
 * The journal port. `append` resolves only once the record is durable;
 * `load` never throws for bad content (bad records come back as problems),
 * only for I/O failures of the store itself.
 */
export interface Journal {
  readonly description: string;
  load(): Promise<JournalLoad>;
  append(record: JournalRecord): Promise<void>;
  /** Atomically replaces the whole journal (compaction). */
  replace(records: readonly JournalRecord[]): Promise<void>;
  /**
   * Lets go of what the adapter keeps open between appends (the file
   * adapter's descriptor), after pending appends; the next append reopens.
   */
  close?(): Promise<void>;
}

export function encodeRecord(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${checksum(json)} ${json}\n`;
}

function checksum(json: string): string {
  return crc32(json).toString(16).padStart(8, "0");
}

/** Decodes a whole journal text. A last line without "\n" is a torn write. */
export function decodeJournal(text: string): JournalLoad {
  const records: JournalRecord[] = [];
  const problems: JournalProblem[] = [];
  const lines = text.split("\n");
  const tail = lines.pop() ?? "";
  const order = new RecordOrder();
  lines.forEach((line, i) => {
    if (line.length === 0) return;
    const result = decodeLine(line);
    const problem = "problem" in result ? result.problem : order.problem(result.record);
    if (problem !== null) problems.push({ line: i + 1, ...problem });
    else if ("record" in result) records.push(result.record);
  });
  if (tail.length > 0) {
    problems.push({
      line: lines.length + 1,
      kind: "torn",
      detail: `incomplete last record (${tail.length} bytes, no newline): a write was cut short`,
    });
  }
  return { records, problems };
}

/**
 * Records that contradict the ones before them, each valid on its own: a
 * second begin under one id (a stale copy would re-open a closed
 * operation), a second end, a stuck record after the end, a confirmed
 * record for an operation whose end set no deadline, or a second one. The
 * first word on an operation stands.
 */
class RecordOrder {
  readonly #begun = new Set<string>();
  readonly #ended = new Set<string>();
  readonly #awaiting = new Set<string>();

  problem(record: JournalRecord): LineProblem | null {
    if (record.type === "begin") {
      if (this.#begun.has(record.op.id))
        return repeats(`begin record repeats operation ${record.op.id}`);
      this.#begun.add(record.op.id);
      return null;
    }
    if (record.type === "confirmed") {
      if (!this.#awaiting.delete(record.id)) {
        return repeats(`confirmed record of operation ${record.id}, which awaits no confirmation`);
      }
      return null;
    }
    if (this.#ended.has(record.id)) {
      return repeats(`${record.type} record after the end of operation ${record.id}`);
    }
    if (record.type === "end") {
      this.#ended.add(record.id);
      if (record.deadline !== undefined) this.#awaiting.add(record.id);
    }
    return null;
  }
}

function repeats(detail: string): LineProblem {
  return { kind: "shape", detail };
}

type LineProblem = { kind: JournalProblem["kind"]; detail: string };

type LineResult = { record: JournalRecord } | { problem: LineProblem };

function decodeLine(line: string): LineResult {
  const space = line.indexOf(" ");
  const sum = line.slice(0, space);
  const json = line.slice(space + 1);
  if (space !== 8 || checksum(json) !== sum) {
    return { problem: { kind: "checksum", detail: "checksum mismatch: record corrupted" } };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { problem: { kind: "syntax", detail: `not JSON: ${(err as Error).message}` } };
  }
  if (!isObject(value)) return { problem: { kind: "shape", detail: "record is not an object" } };
  if (value.v !== JOURNAL_VERSION) {
    return {
      problem: { kind: "version", detail: `record version ${String(value.v)} is not supported` },
    };
  }
  const problem = recordProblem(value);
  if (problem !== null) return { problem: { kind: "shape", detail: problem } };
  return { record: value as JournalRecord };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Folds records into operations, in start order. Records for an id never
 * begun (lost to corruption) are ignored: without a header there is nothing
 * to resolve.
 *
 * Only the last operation begun on a device can be unfinished. One still
 * open when a later one begins on its device is superseded: the later one
 * started from whatever the earlier left, so resolving the earlier again
 * (rolling back to its stale snapshot) would undo later work. Its end record
 * was lost (corruption, a failed write); a late one still counts.
 */
export function foldJournal(records: readonly JournalRecord[]): OperationView[] {
  const views = new Map<string, OperationView>();
  const latest = new Map<string, OperationView>();
  for (const record of records) {
    if (record.type === "begin") {
      const view = openView(record.op);
      const previous = latest.get(view.header.device);
      if (previous !== undefined) {
        supersede(previous, view.header.id);
        endWait(previous, view.header, record.at);
      }
      views.set(view.header.id, view);
      latest.set(view.header.device, view);
      continue;
    }
    const view = views.get(record.id);
    if (view !== undefined) applyRecord(view, record);
  }
  // A late end record (retried after a later operation began) sets no wait:
  // the later operation already ended it.
  for (const view of views.values()) {
    const last = latest.get(view.header.device);
    if (last !== undefined && last !== view) endWait(view, last.header, last.header.startedAt);
  }
  return [...views.values()];
}

/**
 * Who asked for an operation. A begin record written before requests were
 * journaled has none: it reads as the agent's own, without persist, which is
 * what such an agent showed once it had restarted.
 */
export function requestOf(header: OperationHeader): OperationRequest {
  return header.request ?? { requestedBy: null, persist: false, reapply: false };
}

/** A just-begun operation. */
export function openView(header: OperationHeader): OperationView {
  return {
    header,
    status: "running",
    endedAt: null,
    observed: null,
    error: null,
    confirmation: null,
  };
}

/**
 * A later operation `by` began on the device of `view`: a confirmation
 * `view` still awaits is over, reverted when `by` is the restore of its
 * deadline, ended otherwise. The later operation started from whatever
 * the bind left, so reverting after it would undo its work.
 */
export function endWait(view: OperationView, by: OperationHeader, at: string): void {
  const confirmation = view.confirmation;
  if (confirmation === null || confirmation.state !== "pending") return;
  confirmation.state = by.reverts === view.header.id ? "reverted" : "ended";
  confirmation.by = by.id;
  confirmation.at = at;
}

/** Running when the agent died, or stuck: begun, not ended, not superseded. */
export function isOpen(view: OperationView): boolean {
  return view.status === "running" || view.status === "stuck";
}

/** Closes `view` as superseded by operation `by` when it is still open; endedAt stays null until journaled. */
export function supersede(view: OperationView, by: string): void {
  if (!isOpen(view)) return;
  view.status = "superseded";
  view.error = {
    code: "ABORTED",
    message: `superseded by ${by}, begun later on the same device; never resolved`,
  };
}

/** A stuck, end or confirmed record on its operation; a stuck record never re-opens a superseded one. */
export function applyRecord(
  view: OperationView,
  record: Exclude<JournalRecord, { type: "begin" }>,
): void {
  if (record.type === "confirmed") {
    if (view.confirmation?.state !== "pending") return;
    view.confirmation = { ...view.confirmation, state: "confirmed", at: record.at, by: record.by };
    return;
  }
  if (record.type === "end" && record.deadline !== undefined && record.outcome === "committed") {
    view.confirmation = { deadline: record.deadline, state: "pending", at: null, by: null };
  }
  if (record.type === "stuck") {
    if (!isOpen(view)) return;
    view.status = "stuck";
  } else {
    view.status = record.outcome;
    view.endedAt = record.at;
  }
  view.observed = record.observed;
  view.error = record.error;
}

/** Unfinished operations: the ones recovery resolves. */
export function unfinished(views: readonly OperationView[]): OperationView[] {
  return views.filter(isOpen);
}

/**
 * The records worth keeping when compacting: every record of an unfinished
 * operation, the latest finished operation of each device (it carries the
 * device's home snapshot and its health), and the newest `keepFinished`
 * finished operations for history.
 */
export function compactRecords(
  records: readonly JournalRecord[],
  keepFinished: number,
): JournalRecord[] {
  const views = foldJournal(records);
  const keep = new Set<string>();
  const latestPerDevice = new Map<string, string>();
  const finished: string[] = [];
  for (const view of views) {
    if (isOpen(view)) keep.add(view.header.id);
    else {
      latestPerDevice.set(view.header.device, view.header.id);
      finished.push(view.header.id);
    }
  }
  for (const id of latestPerDevice.values()) keep.add(id);
  for (const id of finished.slice(Math.max(0, finished.length - keepFinished))) keep.add(id);
  return records.filter((record) => keep.has(record.type === "begin" ? record.op.id : record.id));
}
