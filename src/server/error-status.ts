/**
 * AgentError ⇄ gRPC status. `statusForError` is the one place that turns an
 * error into a status; `errorFromStatus` is its inverse for clients.
 *
 * Details travel in the trailing metadata key `eni-agent-error-bin`: the
 * proto3 JSON form of `eniagent.v1.ErrorDetail` (UTF-8), i.e.
 * `{"code":"FAILED_PRECONDITION","message":"…","guard":"…","remedy":"…"}`
 * with empty fields left out. The status message is the error message.
 */
import * as grpc from "@grpc/grpc-js";
import {
  AgentError,
  ERROR_CODES,
  type ErrorCode,
  type ErrorDetails,
  isAgentError,
} from "../common/index.js";

export const ERROR_METADATA_KEY = "eni-agent-error-bin";

/** Longest text kept per detail field: trailing metadata shares the 8 KiB header budget. */
const MAX_FIELD_CHARS = 1024;

export interface StatusForError {
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
export function serviceError(error: AgentError): grpc.ServiceError {
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

/** Every detail field; a Record so that a new field in ErrorDetails must be listed. */
const DETAIL_FIELDS: Record<keyof ErrorDetails, true> = {
  errno: true,
  syscall: true,
  path: true,
  device: true,
  guard: true,
  awsCode: true,
  remedy: true,
  operationId: true,
};

/**
 * A failed call's status → AgentError, for clients. The detail metadata wins
 * when present; codes eni-agent never sends (a proxy's, grpc-js's own) map to
 * the nearest meaning.
 */
export function errorFromStatus(status: {
  code?: number;
  details?: string;
  metadata?: grpc.Metadata;
}): AgentError {
  const parsed = parseDetail(status.metadata);
  const code = isErrorCode(parsed?.code) ? parsed.code : codeFromStatus(status.code);
  const message =
    typeof parsed?.message === "string" ? parsed.message : (status.details ?? "unknown error");
  const details: ErrorDetails = {};
  for (const key of Object.keys(DETAIL_FIELDS) as (keyof ErrorDetails)[]) {
    const value = parsed?.[key];
    if (typeof value === "string") details[key] = value;
  }
  return new AgentError(code, message, details);
}

function parseDetail(metadata: grpc.Metadata | undefined): Record<string, unknown> | null {
  const raw = metadata?.get(ERROR_METADATA_KEY)[0];
  if (raw === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.isBuffer(raw) ? raw.toString("utf8") : raw);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

function codeFromStatus(code: number | undefined): ErrorCode {
  switch (code) {
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.OUT_OF_RANGE:
      return "INVALID_ARGUMENT";
    case grpc.status.NOT_FOUND:
      return "NOT_FOUND";
    case grpc.status.ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc.status.FAILED_PRECONDITION:
    case grpc.status.UNIMPLEMENTED:
      return "FAILED_PRECONDITION";
    case grpc.status.ABORTED:
    case grpc.status.CANCELLED:
      return "ABORTED";
    case grpc.status.UNAVAILABLE:
    case grpc.status.RESOURCE_EXHAUSTED:
      return "UNAVAILABLE";
    case grpc.status.DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc.status.PERMISSION_DENIED:
    case grpc.status.UNAUTHENTICATED:
      return "PERMISSION_DENIED";
    default:
      return "INTERNAL";
  }
}
