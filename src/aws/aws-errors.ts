/**
 * Maps AWS API failures to AgentError, once, here. By AWS error code, and by
 * code *and* message where a service gives one code several meanings that
 * need different handling: EC2 answers a delete of an ENI that is still
 * attached or detaching with InvalidParameterValue "Network interface '…'
 * is currently in use." (the same code as a malformed request), and Auto
 * Scaling answers every lifecycle-action problem with ValidationError.
 * Neither SDK models these errors: an exception's `name` is the wire code
 * and its message is all else there is. No other module reads messages;
 * callers branch on `.code`, `.awsCode` and isTransient().
 *
 * Transient means "ask again later": UNAVAILABLE (throttled, 5xx, no
 * answer) and ABORTED with an AWS code (the resource is between states).
 */
import { AgentError, type ErrorCode, isAgentError } from "../common/index.js";

/** Already gone: success for delete (ENI) and detach (attachment). */
export const ENI_NOT_FOUND = "InvalidNetworkInterfaceID.NotFound";
export const ATTACHMENT_NOT_FOUND = "InvalidAttachmentID.NotFound";
const DRY_RUN_OPERATION = "DryRunOperation";

export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  "RequestLimitExceeded",
  "Throttling",
  "ThrottlingException",
]);

interface Rule {
  readonly awsCode: string;
  /** Set for an overloaded code: the rule applies only when the message matches. */
  readonly message?: RegExp;
  readonly code: ErrorCode;
  readonly remedy?: string;
}

const THROTTLED = "the account's request rate is exhausted; back off";

/** What every AWS query API answers alike. */
const COMMON_RULES: readonly Rule[] = [
  { awsCode: "RequestLimitExceeded", code: "UNAVAILABLE", remedy: THROTTLED },
  { awsCode: "Throttling", code: "UNAVAILABLE", remedy: THROTTLED },
  { awsCode: "ThrottlingException", code: "UNAVAILABLE", remedy: THROTTLED },
  { awsCode: "InternalError", code: "UNAVAILABLE" },
  { awsCode: "InternalFailure", code: "UNAVAILABLE" },
  { awsCode: "ServiceUnavailable", code: "UNAVAILABLE" },
  { awsCode: "Unavailable", code: "UNAVAILABLE" },
  {
    awsCode: "AuthFailure",
    code: "PERMISSION_DENIED",
    remedy: "check the credentials and the clock",
  },
  {
    awsCode: "UnauthorizedOperation",
    code: "PERMISSION_DENIED",
    remedy: "grant the instance role the permission named in the message (README: IAM)",
  },
  {
    awsCode: "AccessDenied",
    code: "PERMISSION_DENIED",
    remedy: "grant the instance role the permission named in the message (README: IAM)",
  },
  { awsCode: "MissingParameter", code: "INVALID_ARGUMENT" },
  { awsCode: "InvalidParameterCombination", code: "INVALID_ARGUMENT" },
  { awsCode: "InvalidParameter", code: "INVALID_ARGUMENT" },
];

/** EC2's ENI answers (the SDK models none: every error is EC2ServiceException named by its code). */
const EC2_RULES: readonly Rule[] = [
  { awsCode: ENI_NOT_FOUND, code: "NOT_FOUND" },
  { awsCode: ATTACHMENT_NOT_FOUND, code: "NOT_FOUND" },
  { awsCode: "InvalidInstanceID.NotFound", code: "NOT_FOUND" },
  {
    // DeleteNetworkInterface on an ENI still attached or detaching, and for a
    // moment after a detach completed: transient, unlike every other meaning
    // of this code.
    awsCode: "InvalidParameterValue",
    message: /^Network interface '[^']*' is currently in use\.?$/,
    code: "ABORTED",
    remedy: "the ENI is still attached or detaching; retry once it is available",
  },
  {
    // What Attach answers for an ENI attached elsewhere; kept transient for a
    // delete too, in case EC2 answers a delete this way.
    awsCode: "InvalidNetworkInterface.InUse",
    code: "ABORTED",
    remedy: "the ENI is still attached or detaching; retry once it is available",
  },
  { awsCode: "IncorrectState", code: "ABORTED", remedy: "re-describe the ENI and retry" },
  {
    awsCode: "IncorrectInstanceState",
    code: "ABORTED",
    remedy: "re-describe the instance and retry",
  },
  {
    awsCode: "OperationNotPermitted",
    code: "FAILED_PRECONDITION",
    remedy: "the ENI is managed by another service or is the primary ENI; never touch it",
  },
  {
    awsCode: "AttachmentLimitExceeded",
    code: "FAILED_PRECONDITION",
    remedy: "the instance type cannot take more ENIs; do not retry",
  },
  { awsCode: "InvalidParameterValue", code: "INVALID_ARGUMENT" },
  { awsCode: "InvalidNetworkInterfaceID.Malformed", code: "INVALID_ARGUMENT" },
  { awsCode: "InvalidAttachmentID.Malformed", code: "INVALID_ARGUMENT" },
  // Not a failure: the caller turns it into a dry-run outcome (isDryRunSuccess).
  { awsCode: DRY_RUN_OPERATION, code: "ABORTED" },
  ...COMMON_RULES,
];

/** The message of a lifecycle action that is not (or no longer) waiting. */
const NO_ACTIVE_LIFECYCLE_ACTION = /^No active Lifecycle Action found/;

/**
 * Auto Scaling's answers to the lifecycle calls. Every lifecycle problem is
 * ValidationError: "No active Lifecycle Action found with instance ID i-…"
 * (not in a wait state yet, completed already, timed out, or a hook name
 * with no action) is NOT_FOUND, the only NOT_FOUND these calls produce; an
 * unknown group ("AutoScalingGroup name not found - …") is a configuration
 * error. ResourceContention is the SDK's ResourceContentionFault (HTTP 500).
 */
export const AUTO_SCALING_RULES: readonly Rule[] = [
  {
    awsCode: "ValidationError",
    message: NO_ACTIVE_LIFECYCLE_ACTION,
    code: "NOT_FOUND",
    remedy: "no lifecycle action of this hook waits for this instance",
  },
  {
    awsCode: "ValidationError",
    message: /^AutoScalingGroup name not found/,
    code: "FAILED_PRECONDITION",
    remedy: "check autoScaling.lifecycleHook.groupName (or leave it out to discover the group)",
  },
  { awsCode: "ValidationError", code: "INVALID_ARGUMENT" },
  {
    awsCode: "ResourceContentionFault",
    code: "UNAVAILABLE",
    remedy: "another update of the group is pending; retry",
  },
  { awsCode: "ServiceLinkedRoleFailure", code: "UNAVAILABLE" },
  ...COMMON_RULES,
];

/**
 * The AWS error code of an SDK service exception (its `name`), or undefined
 * for anything that is not an answer from the service. Service exceptions
 * carry `$fault`; network errors also get `$metadata` from the SDK, so that
 * alone does not tell them apart.
 */
function awsErrorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { name?: unknown; $fault?: unknown };
  if ((e.$fault !== "client" && e.$fault !== "server") || typeof e.name !== "string") {
    return undefined;
  }
  return e.name;
}

/** Classifies a failed call of `service`'s API (`what` names it in the message). */
export function classifyAwsError(
  err: unknown,
  rules: readonly Rule[],
  service: string,
  what: string,
): AgentError {
  if (isAgentError(err)) return err;
  const awsCode = awsErrorCode(err);
  if (awsCode === undefined) {
    // No answer: connection refused/reset, DNS, socket timeout.
    return new AgentError("UNAVAILABLE", `${what}: ${service} unreachable`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const rule: Pick<Rule, "code" | "remedy"> = rules.find(
    (r) => r.awsCode === awsCode && (r.message === undefined || r.message.test(message)),
  ) ?? { code: status !== undefined && status >= 500 ? "UNAVAILABLE" : "INTERNAL" };
  return new AgentError(rule.code, `${what}: ${awsCode}: ${message}`, {
    awsCode,
    remedy: rule.remedy,
    cause: err,
  });
}

export function classifyEc2Error(err: unknown, action: string, eniId?: string): AgentError {
  return classifyAwsError(err, EC2_RULES, "EC2", eniId ? `${action} ${eniId}` : action);
}

/**
 * True when asking again later may succeed: throttled, a 5xx, no answer, or
 * the resource between states. Everything else is final.
 */
export function isTransient(error: AgentError): boolean {
  if (error.code === "UNAVAILABLE") return true;
  return (
    error.code === "ABORTED" && error.awsCode !== undefined && error.awsCode !== DRY_RUN_OPERATION
  );
}

/** True for errors AWS answered with a throttling code (UNAVAILABLE, back off). */
export function isThrottled(err: unknown): boolean {
  return isAgentError(err) && err.awsCode !== undefined && THROTTLING_CODES.has(err.awsCode);
}

/** True when EC2 said the DryRun request would have succeeded. */
export function isDryRunSuccess(err: unknown): boolean {
  return isAgentError(err) && err.awsCode === DRY_RUN_OPERATION;
}
