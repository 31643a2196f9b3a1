/**
 * ENI ids: one parser for every layer (requests, desired bindings, IMDS, EC2
 * answers). EC2 issues "eni-" with 8 hex digits (older ids) or 17 (current);
 * nothing else is an ENI id, and an id ends up in EC2 filters and log lines.
 */
import { AgentError, quoteInput } from "./agent-error.js";
import type { EniId } from "./brand.js";

const ENI_ID = /^eni-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** Returns the id unchanged; throws AgentError INVALID_ARGUMENT on anything else. */
export function parseEniId(input: string): EniId {
  if (!ENI_ID.test(input)) {
    throw new AgentError(
      "INVALID_ARGUMENT",
      `not an ENI id: ${quoteInput(input)} (expected eni- and 8 or 17 hex digits)`,
    );
  }
  return input as EniId;
}

/** ENI ids have a single spelling, so passing this check makes the string an EniId. */
export function isEniId(input: string): input is EniId {
  return ENI_ID.test(input);
}
