/**
 * The one error type of eni-agent. Every layer throws it; callers branch on
 * `code` and the structured fields (`errno`, `guard`, `awsCode`), never on the
 * message text. The gRPC edge maps `code` to a canonical status in exactly one
 * place.
 */

/** Canonical meanings, a subset of the gRPC codes that eni-agent produces. */
export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "FAILED_PRECONDITION"
  | "ABORTED"
  | "UNAVAILABLE"
  | "DEADLINE_EXCEEDED"
  | "PERMISSION_DENIED"
  | "INTERNAL";

export const ERROR_CODES: readonly ErrorCode[] = [
  "INVALID_ARGUMENT",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "FAILED_PRECONDITION",
  "ABORTED",
  "UNAVAILABLE",
  "DEADLINE_EXCEEDED",
  "PERMISSION_DENIED",
  "INTERNAL",
];

/** Structured context carried by an error; every field is optional. */
export interface ErrorDetails {
  /** errno name from a system call, e.g. "ENODEV". */
  errno?: string;
  /** The system call or sysfs operation that failed: "open", "write", "readlink", ... */
  syscall?: string;
  /** The path involved, relative to the adapter's root where there is one. */
  path?: string;
  /** The device (PCI address) the failure concerns. */
  device?: string;
  /** The name of the guard that refused, e.g. "default-route". */
  guard?: string;
  /** An AWS error code, e.g. "RequestLimitExceeded". */
  awsCode?: string;
  /** What a person can do about it, one sentence. */
  remedy?: string;
  /** The operation id the failure belongs to. */
  operationId?: string;
}

interface AgentErrorOptions extends ErrorDetails {
  cause?: unknown;
}

export class AgentError extends Error {
  override readonly name = "AgentError";
  readonly code: ErrorCode;
  readonly errno: string | undefined;
  readonly syscall: string | undefined;
  readonly path: string | undefined;
  readonly device: string | undefined;
  readonly guard: string | undefined;
  readonly awsCode: string | undefined;
  readonly remedy: string | undefined;
  readonly operationId: string | undefined;

  constructor(code: ErrorCode, message: string, options: AgentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.errno = options.errno;
    this.syscall = options.syscall;
    this.path = options.path;
    this.device = options.device;
    this.guard = options.guard;
    this.awsCode = options.awsCode;
    this.remedy = options.remedy;
    this.operationId = options.operationId;
  }

  /** The structured fields, for logs, JSON output and gRPC details. */
  details(): ErrorDetails {
    const out: ErrorDetails = {};
    for (const key of DETAIL_KEYS) {
      const value = this[key];
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  toJSON(): { code: ErrorCode; message: string } & ErrorDetails {
    return { code: this.code, message: this.message, ...this.details() };
  }
}

const DETAIL_KEYS = [
  "errno",
  "syscall",
  "path",
  "device",
  "guard",
  "awsCode",
  "remedy",
  "operationId",
] as const satisfies readonly (keyof ErrorDetails)[];

/** Structural check, so errors that crossed a realm or a bundle boundary still count. */
export function isAgentError(value: unknown): value is AgentError {
  return (
    value instanceof Error &&
    (value as { name?: unknown }).name === "AgentError" &&
    typeof (value as { code?: unknown }).code === "string"
  );
}

/** Wraps anything thrown into an AgentError, keeping an AgentError as it is. */
export function toAgentError(value: unknown, fallback: ErrorCode = "INTERNAL"): AgentError {
  if (isAgentError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AgentError(fallback, message, { cause: value });
}

/**
 * Quotes untrusted input for an error message: JSON-escaped (so control
 * characters and newlines cannot forge log lines) and cut to a readable length.
 */
export function quoteInput(input: unknown, maxChars = 64): string {
  const text = typeof input === "string" ? input : String(input);
  const cut = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  const suffix = text.length > maxChars ? ` (${text.length} chars)` : "";
  return `${JSON.stringify(cut)}${suffix}`;
}
