/**
 * Builds the SDK's EC2 client with everything the deadline math depends on
 * set explicitly: retry mode and attempts (so AWS_RETRY_MODE and
 * AWS_MAX_ATTEMPTS in the environment cannot change them), connection and
 * request timeouts, region, endpoint and credentials. The caller owns the
 * client and calls `destroy()` to close its sockets.
 */
import { EC2Client, type EC2ClientConfig } from "@aws-sdk/client-ec2";
import { AgentError } from "../common/index.js";
import { isAwsRegion } from "./aws-region.js";

export interface Ec2ClientOptions {
  readonly region: string;
  /** e.g. a fake endpoint "http://127.0.0.1:port"; default: the Region's public endpoint. */
  readonly endpoint?: string;
  /** Default: the SDK's provider chain (instance role on EC2). */
  readonly credentials?: EC2ClientConfig["credentials"];
  /** Total attempts per call including the first, "standard" retry mode. Default 3. */
  readonly maxAttempts?: number;
  /** TCP connect timeout, in ms. Default 1000. */
  readonly connectionTimeoutMs?: number;
  /** Per-attempt response timeout, in ms. Default 5000. */
  readonly requestTimeoutMs?: number;
}

export function createEc2Client(options: Ec2ClientOptions): EC2Client {
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
    throw new AgentError("INVALID_ARGUMENT", "maxAttempts must be an integer in 1..10");
  }
  if (!isAwsRegion(options.region)) {
    throw new AgentError(
      "INVALID_ARGUMENT",
      `not an AWS Region: ${JSON.stringify(options.region)}`,
    );
  }
  return new EC2Client({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    maxAttempts,
    retryMode: "standard",
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 1000,
      requestTimeout: options.requestTimeoutMs ?? 5000,
    },
  });
}
