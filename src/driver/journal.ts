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
import type {
  DeviceState,
  ErrorSummary,
  OperationHeader,
  OperationOutcome,
  OperationView,
} from "./types.js";

export const JOURNAL_VERSION = 1;

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
  | {
      v: 1;
      type: "end";
      at: string;
      id: string;
      outcome: OperationOutcome;
      observed: DeviceState | null;
      error: ErrorSummary | null;
    };

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
  lines.forEach((line, i) => {
    if (line.length === 0) return;
    const result = decodeLine(line);
    if ("problem" in result) problems.push({ line: i + 1, ...result.problem });
    else records.push(result.record);
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

type LineResult =
  | { record: JournalRecord }
  | { problem: { kind: JournalProblem["kind"]; detail: string } };

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
  if (!hasShape(value)) return { problem: { kind: "shape", detail: "record fields missing" } };
  return { record: value };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasShape(value: Record<string, unknown>): value is JournalRecord {
  if (typeof value.at !== "string") return false;
  switch (value.type) {
    case "begin": {
      const op = value.op;
      return (
        isObject(op) &&
        typeof op.id === "string" &&
        typeof op.device === "string" &&
        isObject(op.snapshot) &&
        isObject(op.target) &&
        Array.isArray(op.steps)
      );
    }
    case "stuck":
      return typeof value.id === "string" && isObject(value.error);
    case "end":
      return (
        typeof value.id === "string" &&
        (value.outcome === "committed" ||
          value.outcome === "rolled_back" ||
          value.outcome === "rollback_failed")
      );
    default:
      return false;
  }
}

/**
 * Folds records into operations, in start order. Records for an id never
 * begun (lost to corruption) are ignored: without a header there is nothing
 * to resolve.
 */
export function foldJournal(records: readonly JournalRecord[]): OperationView[] {
  const views = new Map<string, OperationView>();
  for (const record of records) {
    if (record.type === "begin") {
      views.set(record.op.id, {
        header: record.op,
        status: "running",
        endedAt: null,
        observed: null,
        error: null,
      });
      continue;
    }
    const view = views.get(record.id);
    if (view === undefined) continue;
    view.observed = record.observed;
    view.error = record.error;
    if (record.type === "stuck") {
      view.status = "stuck";
    } else {
      view.status = record.outcome;
      view.endedAt = record.at;
    }
  }
  return [...views.values()];
}

/** Unfinished operations: begun and never ended (running when the agent died, or stuck). */
export function unfinished(views: readonly OperationView[]): OperationView[] {
  return views.filter((view) => view.status === "running" || view.status === "stuck");
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
    if (view.status === "running" || view.status === "stuck") keep.add(view.header.id);
    else {
      latestPerDevice.set(view.header.device, view.header.id);
      finished.push(view.header.id);
    }
  }
  for (const id of latestPerDevice.values()) keep.add(id);
  for (const id of finished.slice(Math.max(0, finished.length - keepFinished))) keep.add(id);
  return records.filter((record) => keep.has(record.type === "begin" ? record.op.id : record.id));
}
