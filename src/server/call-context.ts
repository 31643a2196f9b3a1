/**
 * The AbortSignal a handler passes to the core: it aborts when the client
 * cancels, when the call's deadline passes, or when the server is forced to
 * stop. The reason is an AgentError, so a core that rejects with
 * `signal.reason` produces the right status without knowing about gRPC.
 */
import type * as grpc from "@grpc/grpc-js";
import { AgentError } from "../common/index.js";
import type { CallContext, Caller } from "./agent-core.js";

interface ServerCallLike {
  getDeadline(): grpc.Deadline;
  on(event: "cancelled", listener: () => void): unknown;
  removeListener(event: "cancelled", listener: () => void): unknown;
}

/** How early a cancellation may arrive and still count as the deadline passing. */
const DEADLINE_SLACK_MS = 100;

export interface ScopedContext {
  ctx: CallContext;
  /** Clears the deadline timer and listeners; call when the handler finishes. */
  done(): void;
}

export function callContext(
  call: ServerCallLike,
  caller: Caller,
  serverSignal: AbortSignal,
): ScopedContext {
  const controller = new AbortController();
  const abort = (error: AgentError): void => {
    if (!controller.signal.aborted) controller.abort(error);
  };
  const deadlineMs = deadlineToEpochMs(call.getDeadline());
  const deadlineError = (): AgentError =>
    new AgentError("DEADLINE_EXCEEDED", "the call's deadline passed", {
      remedy:
        "allow more time, or look the operation up with GetOperation: a journaled move still completes",
    });
  // A client whose deadline passes cancels the stream, and grpc-js reports
  // its own deadline as a cancellation too: a cancel at (or just before, the
  // two clocks started a transit apart) the deadline is the deadline.
  const onCancelled = (): void =>
    abort(
      deadlineMs !== null && Date.now() >= deadlineMs - DEADLINE_SLACK_MS
        ? deadlineError()
        : new AgentError("ABORTED", "the client cancelled the call"),
    );
  const onServerStop = (): void =>
    abort(new AgentError("ABORTED", "the server is stopping", { remedy: "retry once it is back" }));

  call.on("cancelled", onCancelled);
  serverSignal.addEventListener("abort", onServerStop, { once: true });
  if (serverSignal.aborted) onServerStop();

  const timer =
    deadlineMs === null
      ? null
      : setTimeout(() => abort(deadlineError()), Math.max(0, deadlineMs - Date.now()));

  return {
    ctx: { signal: controller.signal, caller },
    done: () => {
      if (timer !== null) clearTimeout(timer);
      call.removeListener("cancelled", onCancelled);
      serverSignal.removeEventListener("abort", onServerStop);
    },
  };
}

/** grpc-js deadlines are a Date or epoch milliseconds; Infinity means none. */
function deadlineToEpochMs(deadline: grpc.Deadline): number | null {
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms : null;
}
