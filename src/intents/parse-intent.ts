/**
 * Strict parsers for the contract's own strings. Neither an owner nor a
 * request id ever builds a path, but both end up in the state file, logs and
 * error messages, so they are held to a small alphabet and length.
 */
import { AgentError, quoteInput } from "../common/index.js";

/** A controller name and object, e.g. "nodeeni-controller/2c6f…-uid" or "k8s:ns/name". */
const OWNER = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,252}$/;
/** A UUID, a ULID, "put-3-eni-…": any token a controller can regenerate for a retry. */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function parseOwner(input: string): string {
  if (OWNER.test(input)) return input;
  throw new AgentError(
    "INVALID_ARGUMENT",
    `not an owner: ${quoteInput(input)} (1–253 characters of A-Z a-z 0-9 . _ : / @ -, starting with a letter or digit)`,
  );
}

export function parseRequestId(input: string): string {
  if (REQUEST_ID.test(input)) return input;
  throw new AgentError(
    "INVALID_ARGUMENT",
    `not a request id: ${quoteInput(input)} (1–128 characters of A-Z a-z 0-9 . _ : -)`,
  );
}

/**
 * A generation as the wire carries it (a uint64 in decimal), 1 or more and
 * within 2^53: Kubernetes' metadata.generation starts at 1 and grows by one
 * per change, so the bound is never near.
 */
export function parseGeneration(input: string | number): number {
  const text = String(input);
  const value = /^[1-9][0-9]{0,15}$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(value)) return value;
  throw new AgentError(
    "INVALID_ARGUMENT",
    `not a generation: ${quoteInput(text)} (a whole number from 1 to ${Number.MAX_SAFE_INTEGER})`,
  );
}
