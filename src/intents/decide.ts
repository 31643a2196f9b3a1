/**
 * The contract's rules, as pure functions of the stored state and one
 * request: owner fencing, generation ordering, tombstones. No I/O, so every
 * rule is tested without a host.
 */
import { AgentError, type EniId } from "../common/index.js";
import type { IntentState } from "./intent-store.js";
import type { EniIntent, IntentCaller } from "./intent-types.js";

export type PutRequest = Omit<EniIntent, "releasing"> & { force: boolean };

export type PutDecision =
  /** Store this intent (new, a newer generation, or forced over another owner). */
  | { kind: "store"; intent: EniIntent }
  /** The stored intent already says this (a retry): answer its status. */
  | { kind: "unchanged"; intent: EniIntent };

/**
 * Throws PERMISSION_DENIED (another owner's ENI, no admin force), ABORTED
 * (an older generation, or one already released, or a release in progress),
 * ALREADY_EXISTS (the same generation with a different wish).
 */
export function decidePut(
  state: IntentState,
  request: PutRequest,
  caller: IntentCaller,
): PutDecision {
  const { force, ...wish } = request;
  const stored = state.intents.find((i) => i.eniId === request.eniId);
  const fresh: EniIntent = { ...wish, releasing: false };
  if (stored === undefined) {
    const released = lastReleased(state, request.eniId, request.owner);
    if (released !== undefined && request.generation <= released.generation) {
      throw new AgentError(
        "ABORTED",
        `${request.eniId}: generation ${request.generation} of ${request.owner} is older than or equal to the released generation ${released.generation}`,
        { remedy: "a late retry of an old request; put a newer generation to use the ENI again" },
      );
    }
    return { kind: "store", intent: fresh };
  }
  if (stored.owner !== request.owner) {
    requireOverride(stored, request.owner, force, caller);
    return { kind: "store", intent: fresh };
  }
  if (stored.releasing) {
    throw new AgentError("ABORTED", `${request.eniId} is being released`, {
      remedy: "retry ReleaseEni until SAFE_TO_DETACH, then put a newer generation",
    });
  }
  if (request.generation < stored.generation) {
    throw new AgentError(
      "ABORTED",
      `${request.eniId}: generation ${request.generation} is older than the stored generation ${stored.generation}`,
      { remedy: "an older generation never replaces a newer one; read GetEni and act on it" },
    );
  }
  if (request.generation > stored.generation) return { kind: "store", intent: fresh };
  if (stored.driver === request.driver && (request.mac === null || request.mac === stored.mac)) {
    return { kind: "unchanged", intent: stored };
  }
  throw new AgentError(
    "ALREADY_EXISTS",
    `${request.eniId}: generation ${request.generation} already asks for ${stored.driver}${stored.mac === null ? "" : ` at ${stored.mac}`}`,
    { remedy: "a changed intent needs a higher generation" },
  );
}

/**
 * The intent a release of `eniId` by `owner` acts on (null: none stored).
 * Throws PERMISSION_DENIED when another owner holds it and no admin forces.
 */
export function fenceRelease(
  state: IntentState,
  eniId: EniId,
  owner: string,
  force: boolean,
  caller: IntentCaller,
): EniIntent | null {
  const stored = state.intents.find((i) => i.eniId === eniId);
  if (stored === undefined) return null;
  if (stored.owner !== owner) requireOverride(stored, owner, force, caller);
  return stored;
}

function requireOverride(
  stored: EniIntent,
  owner: string,
  force: boolean,
  caller: IntentCaller,
): void {
  if (force && caller.admin) return;
  throw new AgentError(
    "PERMISSION_DENIED",
    `${stored.eniId} is owned by ${stored.owner}, not ${owner}`,
    {
      remedy: force
        ? "force over another owner needs the agent's local administrator socket"
        : "only the owner may change or release it; an administrator may pass force",
    },
  );
}

export function lastReleased(
  state: IntentState,
  eniId: EniId,
  owner: string,
): IntentState["released"][number] | undefined {
  return state.released.findLast((r) => r.eniId === eniId && r.owner === owner);
}
