/**
 * The daemon's AWS clients: built on first use (the Region may come from
 * IMDS), pointed at the configured endpoint (or a simulated one). The EC2
 * client is instrumented so that every failed attempt, retries included,
 * is counted by EC2 error code (`eni_agent_ec2_api_errors_total`, throttles
 * apart).
 *
 * The SDKs are imported on that first use, not at start: they are the
 * largest things the daemon could load (tens of MiB resident), and most
 * daemons never call EC2 (only a termination plan, the leak sweeper and
 * DeleteOnTermination at bind do) or Auto Scaling (only a plan for an Auto
 * Scaling notice with a lifecycle hook configured). Only type imports of
 * the SDKs may appear here.
 */
import type { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Ec2ClientOptions } from "../aws/index.js";
import { AgentError } from "../common/index.js";
import type { AgentMetrics } from "./agent-metrics.js";

function instrumentEc2Client(client: EC2Client, count: (code: string) => void): EC2Client {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const name = (err as { name?: unknown }).name;
        count(typeof name === "string" && name !== "" ? name : "Unknown");
        throw err;
      }
    },
    { step: "finalizeRequest", priority: "low", name: "eniAgentEc2ErrorMetrics" },
  );
  return client;
}

interface AwsClientSource {
  /** The configured Region, else the one IMDS reports; null while neither is known. */
  region(): string | null;
  /** null: the Region's public endpoint. */
  endpoint(): string | null;
  credentials?: Ec2ClientOptions["credentials"];
}

type BaseOptions = Pick<Ec2ClientOptions, "region" | "endpoint" | "credentials">;

/** One client per daemon, made when first asked for; `destroy()` closes its sockets. */
class LazyAwsClient<C extends { destroy(): void }> {
  readonly #source: AwsClientSource;
  readonly #build: (options: BaseOptions) => Promise<C>;
  #client: C | null = null;

  constructor(source: AwsClientSource, build: (options: BaseOptions) => Promise<C>) {
    this.#source = source;
    this.#build = build;
  }

  /**
   * The client, loading its SDK the first time. Rejects with UNAVAILABLE
   * while the Region is unknown (no ec2.region and IMDS not answered yet).
   */
  async get(): Promise<C> {
    if (this.#client !== null) return this.#client;
    const region = this.#source.region();
    if (region === null) {
      throw new AgentError("UNAVAILABLE", "the AWS Region is not known yet", {
        remedy: "set ec2.region, or wait for instance metadata to answer",
      });
    }
    const endpoint = this.#source.endpoint();
    const client = await this.#build({
      region,
      ...(endpoint === null ? {} : { endpoint }),
      ...(this.#source.credentials === undefined ? {} : { credentials: this.#source.credentials }),
    });
    // Two first callers may both have waited for the import: keep one client.
    if (this.#client !== null) {
      client.destroy();
      return this.#client;
    }
    this.#client = client;
    return client;
  }

  destroy(): void {
    this.#client?.destroy();
    this.#client = null;
  }
}

export type AgentEc2Client = LazyAwsClient<EC2Client>;
export type AgentAutoScalingClient = LazyAwsClient<AutoScalingClient>;

export function agentEc2Client(
  source: AwsClientSource,
  metrics: Pick<AgentMetrics, "ec2Error">,
): AgentEc2Client {
  return new LazyAwsClient(source, async (options) => {
    const { createEc2Client } = await import("../aws/ec2-client.js");
    return instrumentEc2Client(createEc2Client(options), (code) => metrics.ec2Error(code));
  });
}

export function agentAutoScalingClient(source: AwsClientSource): AgentAutoScalingClient {
  return new LazyAwsClient(source, async (options) => {
    const { createAutoScalingClient } = await import("../aws/autoscaling-client.js");
    return createAutoScalingClient(options);
  });
}
