/**
 * A failed call's gRPC status → AgentError: the inverse of the server's
 * statusForError (src/server/error-status.ts), which owns the wire format.
 */
import * as grpc from "@grpc/grpc-js";
import { AgentError, ERROR_CODES, type ErrorCode, type ErrorDetails } from "../common/index.js";
import { ERROR_METADATA_KEY } from "../server/error-status.js";

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
