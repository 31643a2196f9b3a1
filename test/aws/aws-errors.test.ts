/**
 * The one classifier of AWS answers: by code, and by code and message where
 * a service overloads a code (issue 12). Errors are built as the SDKs build
 * them: an exception named by the wire code, with `$fault` and `$metadata`.
 */
import t from "tap";
import {
  AUTO_SCALING_RULES,
  classifyAwsError,
  classifyEc2Error,
  isTransient,
} from "../../src/aws/aws-errors.js";

function sdkError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });
}

t.test("EC2: the ENI table", async (t) => {
  const cases: [string, string, number, string, boolean][] = [
    // code, message, status → AgentError code, transient
    [
      "InvalidParameterValue",
      "Network interface 'eni-0a1b2c3d4e5f60718' is currently in use.",
      400,
      "ABORTED",
      true,
    ],
    [
      "InvalidParameterValue",
      "Value (eni-) for parameter networkInterfaceId is invalid.",
      400,
      "INVALID_ARGUMENT",
      false,
    ],
    [
      "InvalidParameterValue",
      "prefix Network interface 'eni-1' is currently in use.",
      400,
      "INVALID_ARGUMENT",
      false,
    ],
    ["InvalidNetworkInterface.InUse", "Interface: [eni-0a1b2c3d] in use.", 400, "ABORTED", true],
    [
      "InvalidNetworkInterfaceID.NotFound",
      "The networkInterface ID 'eni-1' does not exist",
      400,
      "NOT_FOUND",
      false,
    ],
    [
      "InvalidAttachmentID.NotFound",
      "The attachment ID 'eni-attach-1' does not exist",
      400,
      "NOT_FOUND",
      false,
    ],
    ["OperationNotPermitted", "cannot be detached", 400, "FAILED_PRECONDITION", false],
    ["IncorrectState", "…", 400, "ABORTED", true],
    ["RequestLimitExceeded", "Request limit exceeded.", 503, "UNAVAILABLE", true],
    ["Unavailable", "…", 503, "UNAVAILABLE", true],
    ["SomethingNew", "…", 500, "UNAVAILABLE", true],
    ["SomethingNew", "…", 400, "INTERNAL", false],
    ["UnauthorizedOperation", "…", 403, "PERMISSION_DENIED", false],
    ["DryRunOperation", "Request would have succeeded", 412, "ABORTED", false],
  ];
  for (const [name, message, status, code, transient] of cases) {
    const error = classifyEc2Error(sdkError(name, message, status), "DeleteNetworkInterface");
    t.equal(error.code, code, `${name}: ${message}`);
    t.equal(error.awsCode, name);
    t.equal(isTransient(error), transient, `${name} transient: ${transient}`);
  }
  const unreachable = classifyEc2Error(
    new Error("connect ECONNREFUSED"),
    "DescribeNetworkInterfaces",
  );
  t.match(unreachable, { code: "UNAVAILABLE", message: /EC2 unreachable/ });
  t.ok(isTransient(unreachable));
});

t.test("Auto Scaling: ValidationError by message", async (t) => {
  const classify = (name: string, message: string, status = 400) =>
    classifyAwsError(sdkError(name, message, status), AUTO_SCALING_RULES, "Auto Scaling", "x");
  t.match(classify("ValidationError", "No active Lifecycle Action found with instance ID i-1"), {
    code: "NOT_FOUND",
  });
  t.match(
    classify("ValidationError", "AutoScalingGroup name not found - AutoScalingGroup g not found"),
    { code: "FAILED_PRECONDITION" },
  );
  t.match(classify("ValidationError", "1 validation error detected"), { code: "INVALID_ARGUMENT" });
  t.ok(isTransient(classify("ResourceContentionFault", "pending update", 500)));
  t.ok(isTransient(classify("Throttling", "Rate exceeded")));
  t.match(classify("AccessDenied", "not authorized", 403), { code: "PERMISSION_DENIED" });
});
