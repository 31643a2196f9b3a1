/**
 * Maps EC2 API failures to AgentError by AWS error code, once, here. Callers
 * branch on `.code` and `.awsCode`; nobody parses messages.
 */
import { AgentError, type ErrorCode, isAgentError } from "../common/index.js";

/** Already gone: success for delete (ENI) and detach (attachment). */
export const ENI_NOT_FOUND = "InvalidNetworkInterfaceID.NotFound";
export const ATTACHMENT_NOT_FOUND = "InvalidAttachmentID.NotFound";
export const DRY_RUN_OPERATION = "DryRunOperation";

export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  "RequestLimitExceeded",
  "Throttling",
  "ThrottlingException",
]);

interface Rule {
  readonly code: ErrorCode;
  readonly remedy?: string;
}

const RULES: Readonly<Record<string, Rule>> = {
  [ENI_NOT_FOUND]: { code: "NOT_FOUND" },
  [ATTACHMENT_NOT_FOUND]: { code: "NOT_FOUND" },
  "InvalidInstanceID.NotFound": { code: "NOT_FOUND" },
  "InvalidNetworkInterface.InUse": {
    code: "FAILED_PRECONDITION",
    remedy: "the ENI is still attached or detaching; detach it and wait for `available`",
  },
  IncorrectState: { code: "ABORTED", remedy: "re-describe the ENI and retry" },
  IncorrectInstanceState: { code: "ABORTED", remedy: "re-describe the instance and retry" },
  RequestLimitExceeded: { code: "UNAVAILABLE", remedy: "EC2 is throttling this account; back off" },
  Throttling: { code: "UNAVAILABLE", remedy: "EC2 is throttling this account; back off" },
  ThrottlingException: { code: "UNAVAILABLE", remedy: "EC2 is throttling this account; back off" },
  InternalError: { code: "UNAVAILABLE" },
  InternalFailure: { code: "UNAVAILABLE" },
  ServiceUnavailable: { code: "UNAVAILABLE" },
  Unavailable: { code: "UNAVAILABLE" },
  OperationNotPermitted: {
    code: "FAILED_PRECONDITION",
    remedy: "the ENI is managed by another service or is the primary ENI; never touch it",
  },
  UnauthorizedOperation: {
    code: "PERMISSION_DENIED",
    remedy: "grant the instance role the ec2 permission named in the message",
  },
  AuthFailure: { code: "PERMISSION_DENIED", remedy: "check the credentials and the clock" },
  AttachmentLimitExceeded: {
    code: "FAILED_PRECONDITION",
    remedy: "the instance type cannot take more ENIs; do not retry",
  },
  InvalidParameterValue: { code: "INVALID_ARGUMENT" },
  InvalidParameterCombination: { code: "INVALID_ARGUMENT" },
  InvalidParameter: { code: "INVALID_ARGUMENT" },
  MissingParameter: { code: "INVALID_ARGUMENT" },
  "InvalidNetworkInterfaceID.Malformed": { code: "INVALID_ARGUMENT" },
  "InvalidAttachmentID.Malformed": { code: "INVALID_ARGUMENT" },
  // Not a failure: the caller turns it into a dry-run outcome (isDryRunSuccess).
  [DRY_RUN_OPERATION]: { code: "ABORTED" },
};

/**
 * The AWS error code of an SDK service exception (its `name`), or undefined
 * for anything that is not an answer from the service. Service exceptions
 * carry `$fault`; network errors also get `$metadata` from the SDK, so that
 * alone does not tell them apart.
 */
export function awsErrorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { name?: unknown; $fault?: unknown };
  if ((e.$fault !== "client" && e.$fault !== "server") || typeof e.name !== "string") {
    return undefined;
  }
  return e.name;
}

export function classifyEc2Error(err: unknown, action: string, eniId?: string): AgentError {
  if (isAgentError(err)) return err;
  const awsCode = awsErrorCode(err);
  const what = eniId ? `${action} ${eniId}` : action;
  if (awsCode === undefined) {
    // No answer from EC2: connection refused/reset, DNS, socket timeout.
    return new AgentError("UNAVAILABLE", `${what}: EC2 unreachable`, { cause: err });
  }
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const rule = RULES[awsCode] ?? {
    code: status !== undefined && status >= 500 ? "UNAVAILABLE" : "INTERNAL",
  };
  const message = err instanceof Error ? err.message : String(err);
  return new AgentError(rule.code, `${what}: ${awsCode}: ${message}`, {
    awsCode,
    remedy: rule.remedy,
    cause: err,
  });
}

/** True for errors EC2 answered with a throttling code (UNAVAILABLE, back off). */
export function isThrottled(err: unknown): boolean {
  return isAgentError(err) && err.awsCode !== undefined && THROTTLING_CODES.has(err.awsCode);
}

/** True when EC2 said the DryRun request would have succeeded. */
export function isDryRunSuccess(err: unknown): boolean {
  return isAgentError(err) && err.awsCode === DRY_RUN_OPERATION;
}
