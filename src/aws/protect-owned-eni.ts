/**
 * DeleteOnTermination first: when the agent hands an ENI it owns to DPDK (or
 * adopts one already there), it marks the attachment DeleteOnTermination and
 * verifies the mark with a describe. EC2 then deletes the ENI with the
 * instance, without any call at that time: a dead agent, a notice that never
 * comes, or a fleet-wide notice that exhausts the Detach and Delete buckets
 * leaks nothing. ENIs attached after launch default to false (the attach call
 * has no such parameter), so without this step they leak on termination.
 */
import { isAgentError } from "../common/index.js";
import type { Ec2Actions } from "./ec2-actions.js";
import type { Ec2CallOptions } from "./ec2-call.js";

/**
 * - `set`: marked now, and a describe showed it;
 * - `already-set`: the attachment was marked before;
 * - `not-owned`: no owner tag (or managed by another service): left alone;
 * - `not-attached`: no attachment to mark (detached, or EC2 does not know the ENI);
 * - `dry-run`: EC2 says the call would have succeeded.
 */
type ProtectOutcome = "set" | "already-set" | "not-owned" | "not-attached" | "dry-run";

/**
 * Marks an owned ENI's attachment DeleteOnTermination and verifies it.
 * ENIs the agent does not own are never modified: that is an outcome, not an
 * error. Throws AgentError for everything else (throttling past the retries,
 * DEADLINE_EXCEEDED when EC2 did not show the mark in time, PERMISSION_DENIED).
 */
export async function protectOwnedEni(
  actions: Ec2Actions,
  eniId: string,
  call: Ec2CallOptions,
): Promise<ProtectOutcome> {
  try {
    return await actions.setDeleteOnTermination(eniId, call);
  } catch (err) {
    if (!isAgentError(err)) throw err;
    if (err.guard === "not-owned" || err.guard === "requester-managed") return "not-owned";
    if (err.code === "NOT_FOUND" || err.guard === "not-attached") return "not-attached";
    throw err;
  }
}
