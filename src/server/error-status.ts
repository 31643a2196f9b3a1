/**
 * AgentError → gRPC status. `statusForError` is the one place that turns an
 * error into a status; `errorFromStatus` (src/client) is its inverse.
 *
 * Details travel in the trailing metadata key `eni-agent-error-bin`: the
 * proto3 JSON form of `eniagent.v1.ErrorDetail` (UTF-8), i.e.
 * `{"code":"FAILED_PRECONDITION","message":"…","guard":"…","remedy":"…"}`
 * with empty fields left out. The status message is the error message.
 */
import * as grpc from "@grpc/grpc-js";
import { AgentError, type ErrorCode, isAgentError } from "../common/index.js";

export const ERROR_METADATA_KEY = "eni-agent-error-bin";

/** Longest text kept per detail field: trailing metadata shares the 8 KiB header budget. */
const MAX_FIELD_CHARS = 1024;

interface StatusForError {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

/** Maps every ErrorCode; the `never` default makes a new code a compile error here. */
export function grpcCode(code: ErrorCode): grpc.status {
  switch (code) {
    case "INVALID_ARGUMENT":
      return grpc.status.INVALID_ARGUMENT;
    case "NOT_FOUND":
      return grpc.status.NOT_FOUND;
    case "ALREADY_EXISTS":
      return grpc.status.ALREADY_EXISTS;
    case "FAILED_PRECONDITION":
      return grpc.status.FAILED_PRECONDITION;
    case "ABORTED":
      return grpc.status.ABORTED;
    case "UNAVAILABLE":
      return grpc.status.UNAVAILABLE;
    case "DEADLINE_EXCEEDED":
      return grpc.status.DEADLINE_EXCEEDED;
    case "PERMISSION_DENIED":
      return grpc.status.PERMISSION_DENIED;
    case "INTERNAL":
      return grpc.status.INTERNAL;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}

/** The status (code, message, detail metadata) that answers a failed call. */
export function statusForError(error: AgentError): StatusForError {
  const metadata = new grpc.Metadata();
  const detail: Record<string, string> = { code: error.code, message: cut(error.message) };
  for (const [key, value] of Object.entries(error.details())) {
    if (typeof value === "string" && value !== "") detail[key] = cut(value);
  }
  metadata.set(ERROR_METADATA_KEY, Buffer.from(JSON.stringify(detail), "utf8"));
  return { code: grpcCode(error.code), details: cut(error.message), metadata };
}

/** A grpc-js ServiceError for `callback(err)` and `call.emit("error", err)`. */
function serviceError(error: AgentError): grpc.ServiceError {
  const status = statusForError(error);
  return Object.assign(new Error(status.details), {
    code: status.code,
    details: status.details,
    metadata: status.metadata,
  });
}

/** Anything a handler caught → ServiceError; non-AgentErrors become INTERNAL. */
export function toServiceError(error: unknown): grpc.ServiceError {
  if (isAgentError(error)) return serviceError(error);
  const message = error instanceof Error ? error.message : String(error);
  return serviceError(new AgentError("INTERNAL", `internal error: ${message}`, { cause: error }));
}

function cut(text: string): string {
  return text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS)}…` : text;
}
