/**
 * ReleaseEni's detach-and-delete, journaled in the intents file: the
 * released intent's tombstone is marked `deleting` before the first EC2
 * call and unmarked once the ENI is deleted, so that an agent killed
 * between the detach and the delete finishes the delete at its next start
 * instead of leaving a detached ENI for the controller's retry (or a leak
 * sweep) to find. Each EC2 step is idempotent, so running it again from
 * the start is safe.
 */
import type { AgentError, EniId } from "../common/index.js";
import type { IntentState } from "./intent-store.js";

/**
 * The state with the ENI's latest tombstone marked (`on`) or unmarked;
 * null when nothing changes (no tombstone: an ENI no intent ever named has
 * nothing to mark, and its delete is not journaled).
 */
export function markDeleting(state: IntentState, eniId: EniId, on: boolean): IntentState | null {
  const i = state.released.findLastIndex((r) => r.eniId === eniId);
  const tombstone = state.released[i];
  if (tombstone === undefined || (tombstone.deleting === true) === on) return null;
  const { deleting: _, ...rest } = tombstone;
  const released = [...state.released];
  released[i] = on ? { ...rest, deleting: true } : rest;
  return { ...state, released };
}

/** ENIs whose detach-and-delete was asked for and has not finished. */
export function pendingDeletes(state: IntentState): EniId[] {
  return state.released.filter((r) => r.deleting === true).map((r) => r.eniId);
}

/**
 * A failure that another try cannot fix (the ENI is not this agent's, EC2
 * calls are dry runs, the caller may not): the journaled delete is dropped
 * rather than tried again at every start. Throttling, timeouts and an
 * unreachable EC2 keep it.
 */
export function isFinal(error: AgentError): boolean {
  return (
    error.code === "FAILED_PRECONDITION" ||
    error.code === "PERMISSION_DENIED" ||
    error.code === "INVALID_ARGUMENT"
  );
}
