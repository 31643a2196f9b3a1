/**
 * Exit codes of every eni-agent command (documented in docs/status.md).
 * Errors map by their canonical code, so a script can branch on the status
 * without parsing messages.
 */
import { type ErrorCode, isAgentError } from "../common/index.js";

export const EXIT_OK = 0;
/** The operation failed (INTERNAL, or anything not listed below). */
export const EXIT_FAILURE = 1;
/** Bad command line or invalid argument. */
export const EXIT_USAGE = 2;
/** A device, file or resource named or needed does not exist. */
export const EXIT_NOT_FOUND = 3;
/** The system is not in a state that allows the operation (guard refused, module missing, …). */
export const EXIT_PRECONDITION = 4;
export const EXIT_PERMISSION = 5;
/** The daemon or a resource is busy or unreachable; retrying may help. */
export const EXIT_UNAVAILABLE = 6;
/** Lost a race with a concurrent change. */
export const EXIT_ABORTED = 7;
/** A bug: an exception that is not an AgentError (EX_SOFTWARE). */
export const EXIT_SOFTWARE = 70;

const BY_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: EXIT_USAGE,
  NOT_FOUND: EXIT_NOT_FOUND,
  ALREADY_EXISTS: EXIT_PRECONDITION,
  FAILED_PRECONDITION: EXIT_PRECONDITION,
  ABORTED: EXIT_ABORTED,
  UNAVAILABLE: EXIT_UNAVAILABLE,
  DEADLINE_EXCEEDED: EXIT_UNAVAILABLE,
  PERMISSION_DENIED: EXIT_PERMISSION,
  INTERNAL: EXIT_FAILURE,
};

export function exitCodeFor(err: unknown): number {
  return isAgentError(err) ? BY_CODE[err.code] : EXIT_SOFTWARE;
}
