/**
 * Strict parsers for the IMDS notice bodies. A body that does not parse is an
 * error, never a notice: the agent does not act on data it cannot read.
 * Errors are AgentError INTERNAL with the IMDS path, so health shows them.
 */
import { AgentError, quoteInput } from "../common/index.js";
import {
  type AsgTerminatingState,
  type NoticeDetail,
  SPOT_ACTIONS,
  type SpotAction,
} from "./termination-notice.js";

export const SPOT_PATH = "/latest/meta-data/spot/instance-action";
export const ASG_PATH = "/latest/meta-data/autoscaling/target-lifecycle-state";
export const SCHEDULED_PATH = "/latest/meta-data/events/maintenance/scheduled";
export const REBALANCE_PATH = "/latest/meta-data/events/recommendations/rebalance";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** "2026-01-07T01:03:47Z" → epoch ms; throws on anything else. */
export function parseRfc3339(text: string, path: string): number {
  const ms = RFC3339.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw malformed(path, `not an RFC 3339 time: ${quoteInput(text)}`);
  return ms;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const SCHEDULED_DATE = /^(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * "2 Jan 2006 15:04:05 GMT" (the scheduled-events format) → epoch ms. Parsed
 * by hand: `Date.parse` accepts this by accident of V8's legacy parser and
 * would also accept many things that are not dates.
 */
export function parseScheduledDate(text: string, path: string): number {
  const m = SCHEDULED_DATE.exec(text);
  const month = m ? MONTHS.indexOf(m[2] as string) : -1;
  if (!m || month < 0) throw malformed(path, `not a scheduled-event date: ${quoteInput(text)}`);
  const [day, year, hh, mm, ss] = [m[1], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month, day, hh, mm, ss);
  // Date.UTC rolls "31 Feb" or "24:00:00" over; a real date round-trips.
  const d = new Date(ms);
  const roundTrips =
    d.getUTCDate() === day &&
    d.getUTCHours() === hh &&
    d.getUTCMinutes() === mm &&
    d.getUTCSeconds() === ss;
  if (!roundTrips) throw malformed(path, `not a scheduled-event date: ${quoteInput(text)}`);
  return ms;
}

/**
 * spot/instance-action: {"action": "...", "time": "..."}. Keyed by the
 * action alone: EC2 keeps one time per notice, but a mock may move it on
 * every request, and a moved time is the same notice with a new deadline.
 */
export function parseSpotNotice(body: string): NoticeDetail {
  const value = parseJsonObject(body, SPOT_PATH);
  const action = value.action;
  if (typeof action !== "string" || !SPOT_ACTIONS.includes(action as SpotAction)) {
    throw malformed(SPOT_PATH, `unknown spot action ${quoteInput(action)}`);
  }
  if (typeof value.time !== "string") throw malformed(SPOT_PATH, "spot notice without a time");
  const deadlineMs = parseRfc3339(value.time, SPOT_PATH);
  return {
    kind: "spot-interruption",
    key: `spot:${action}`,
    action: action as SpotAction,
    deadlineMs,
  };
}

/**
 * autoscaling/target-lifecycle-state: a bare state name. Returns a notice for
 * the terminating states only; the key is the state, so repeated polls of
 * `Terminated` are one notice (the edge), whatever the time.
 */
export function parseAsgState(
  body: string,
  observedAtMs: number,
  hookTimeoutMs: number,
): NoticeDetail | undefined {
  const state = body.trim();
  if (!/^[A-Za-z:]+$/.test(state)) throw malformed(ASG_PATH, `odd state ${quoteInput(state)}`);
  if (state !== "Terminated" && state !== "Warmed:Terminated") return undefined;
  return {
    kind: "asg-terminating",
    key: `asg:${state}`,
    state: state as AsgTerminatingState,
    deadlineMs: observedAtMs + hookTimeoutMs,
  };
}

/** events/maintenance/scheduled: a JSON array; canceled and completed events are dropped. */
export function parseScheduledEvents(body: string): {
  notices: NoticeDetail[];
  errors: AgentError[];
} {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw malformed(SCHEDULED_PATH, "not JSON", err);
  }
  if (!Array.isArray(value)) throw malformed(SCHEDULED_PATH, "not a JSON array");
  const notices: NoticeDetail[] = [];
  const errors: AgentError[] = [];
  // One malformed entry must not hide a valid retirement notice next to it.
  for (const entry of value) {
    try {
      const notice = parseScheduledEntry(entry);
      if (notice) notices.push(notice);
    } catch (err) {
      errors.push(err as AgentError);
    }
  }
  return { notices, errors };
}

function parseScheduledEntry(entry: unknown): NoticeDetail | undefined {
  if (typeof entry !== "object" || entry === null) throw malformed(SCHEDULED_PATH, "not an object");
  const e = entry as Record<string, unknown>;
  const { EventId, Code, State } = e;
  if (typeof EventId !== "string" || EventId === "" || typeof Code !== "string") {
    throw malformed(SCHEDULED_PATH, "event without EventId or Code");
  }
  if (State === "canceled" || State === "completed") return undefined;
  if (typeof e.NotBefore !== "string") throw malformed(SCHEDULED_PATH, "event without NotBefore");
  const deadlineMs = parseScheduledDate(e.NotBefore, SCHEDULED_PATH);
  const notAfterMs =
    typeof e.NotAfter === "string" ? parseScheduledDate(e.NotAfter, SCHEDULED_PATH) : undefined;
  return {
    kind: "scheduled-event",
    key: `scheduled:${EventId}`,
    eventId: EventId,
    code: Code,
    description: typeof e.Description === "string" ? e.Description : "",
    deadlineMs,
    notAfterMs,
  };
}

/**
 * events/recommendations/rebalance: {"noticeTime": "..."}. One key whatever
 * the time: a recommendation is acted on (when configured) once per boot.
 */
export function parseRebalanceNotice(body: string): NoticeDetail {
  const value = parseJsonObject(body, REBALANCE_PATH);
  if (typeof value.noticeTime !== "string") {
    throw malformed(REBALANCE_PATH, "rebalance notice without noticeTime");
  }
  const noticeTimeMs = parseRfc3339(value.noticeTime, REBALANCE_PATH);
  return {
    kind: "rebalance-recommendation",
    key: "rebalance",
    noticeTimeMs,
    deadlineMs: undefined,
  };
}

function parseJsonObject(body: string, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw malformed(path, "not JSON", err);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw malformed(path, "not a JSON object");
  }
  return value as Record<string, unknown>;
}

function malformed(path: string, what: string, cause?: unknown): AgentError {
  return new AgentError("INTERNAL", `malformed IMDS answer at ${path}: ${what}`, { path, cause });
}
