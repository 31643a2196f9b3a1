/**
 * What every SDK client of the agent is built with, pinned: retry mode and
 * attempts (so AWS_RETRY_MODE and AWS_MAX_ATTEMPTS in the environment cannot
 * change the deadline math), connection and request timeouts, Region,
 * endpoint and credentials. Type-only: the SDKs are loaded by the modules
 * that build their clients (ec2-client.ts, autoscaling-client.ts).
 */
import { AgentError } from "../common/index.js";
import { isAwsRegion } from "./aws-region.js";

export interface AwsClientOptions<Credentials> {
  readonly region: string;
  /** e.g. a fake endpoint "http://127.0.0.1:port"; default: the Region's public endpoint. */
  readonly endpoint?: string;
  /** Default: the SDK's provider chain (instance role on EC2). */
  readonly credentials?: Credentials;
  /** Total attempts per call including the first, "standard" retry mode. Default 3. */
  readonly maxAttempts?: number;
  /** TCP connect timeout, in ms. Default 1000. */
  readonly connectionTimeoutMs?: number;
  /** Per-attempt response timeout, in ms. Default 5000. */
  readonly requestTimeoutMs?: number;
}

/** The client configuration for `options`; throws INVALID_ARGUMENT on a bad Region or attempts. */
export function pinnedClientConfig<Credentials>(options: AwsClientOptions<Credentials>) {
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
  // On node < 22 the SDK prints an eight-line process warning that its
  // releases after January 2027 need node 22. The SDK the agent runs is the
  // one its lock file pins, and those unstructured lines would break the
  // daemon's one-JSON-object-per-line log. An explicit setting is kept.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return {
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    maxAttempts,
    retryMode: "standard",
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 1000,
      requestTimeout: options.requestTimeoutMs ?? 5000,
    },
  } as const;
}
