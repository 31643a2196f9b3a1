/**
 * Exit codes of every eni-agent command (documented in docs/cli.md and in
 * each command's --help). Errors map by their canonical code, so a script can
 * branch on the status without parsing messages.
 */
import { type ErrorCode, isAgentError } from "../common/index.js";

export const EXIT_OK = 0;
/** The operation failed (INTERNAL, or anything not listed below). */
export const EXIT_FAILURE = 1;
/** Bad command line or invalid argument. */
export const EXIT_USAGE = 2;
/** A device, file or resource named or needed does not exist. */
const EXIT_NOT_FOUND = 3;
/** The system is not in a state that allows the operation (guard refused, module missing, …). */
export const EXIT_PRECONDITION = 4;
const EXIT_PERMISSION = 5;
/** The daemon or a resource is busy, stopping or timed out; retrying may help. */
export const EXIT_UNAVAILABLE = 6;
/** Lost a race with a concurrent change. */
const EXIT_ABORTED = 7;
/**
 * No daemon answers where the command looked (no socket, connection refused,
 * no permission on the socket). Its own code so that scripts can tell "start
 * the daemon or use --offline" from "the daemon said busy, retry".
 */
export const EXIT_NO_DAEMON = 8;
/** A bug: an exception that is not an AgentError (EX_SOFTWARE). */
export const EXIT_SOFTWARE = 70;
/** Interrupted by Ctrl-C while a call was in flight (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

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

/**
 * The syscall marking "could not reach the daemon" (see daemon/probe-daemon.ts):
 * such an error carries `syscall: "connect"` and the errno of the attempt.
 */
export const DAEMON_CONNECT_SYSCALL = "connect";

export function exitCodeFor(err: unknown): number {
  if (!isAgentError(err)) return EXIT_SOFTWARE;
  if (err.code === "UNAVAILABLE" && err.syscall === DAEMON_CONNECT_SYSCALL) return EXIT_NO_DAEMON;
  return BY_CODE[err.code];
}

/** The EXIT STATUS lines every command's help shares, with the command's own meaning first. */
export const COMMON_EXIT_LINES = `    2   usage error: unknown option, missing or extra argument, invalid value
    5   permission denied (e.g. a mutating call on the read-only socket)
    6   unavailable or timed out: the daemon is busy or stopping, or the
        device is (EBUSY, EAGAIN); retrying may help
    8   no daemon answers (no socket, connection refused, no access to it)
    70  internal error (a bug: please report it with the message)
    130 interrupted (Ctrl-C) while a call was in flight`;
