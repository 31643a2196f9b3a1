/**
 * The daemon's EC2 client: built on first use (the Region may come from
 * IMDS), pointed at the configured endpoint (or the simulated one), and
 * instrumented so that every failed attempt, retries included, is counted by
 * EC2 error code (`eni_agent_ec2_api_errors_total`, throttles apart).
 */
import type { EC2Client } from "@aws-sdk/client-ec2";
import { createEc2Client, type Ec2ClientOptions } from "../aws/index.js";
import { AgentError } from "../common/index.js";
import type { AgentMetrics } from "./agent-metrics.js";

/** Counts each failed attempt: below the SDK's retry middleware, above the deserializer. */
export function instrumentEc2Client(client: EC2Client, count: (code: string) => void): EC2Client {
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

export interface Ec2ClientSource {
  /** The configured Region, else the one IMDS reports; null while neither is known. */
  region(): string | null;
  endpoint(): string | null;
  credentials?: Ec2ClientOptions["credentials"];
}

/** One client per daemon, made when first asked for; `destroy()` closes its sockets. */
export class AgentEc2Client {
  readonly #source: Ec2ClientSource;
  readonly #metrics: AgentMetrics;
  #client: EC2Client | null = null;

  constructor(source: Ec2ClientSource, metrics: AgentMetrics) {
    this.#source = source;
    this.#metrics = metrics;
  }

  /** Throws UNAVAILABLE while the Region is unknown (no ec2.region and IMDS not answered yet). */
  get(): EC2Client {
    if (this.#client !== null) return this.#client;
    const region = this.#source.region();
    if (region === null) {
      throw new AgentError("UNAVAILABLE", "the EC2 Region is not known yet", {
        remedy: "set ec2.region, or wait for instance metadata to answer",
      });
    }
    const endpoint = this.#source.endpoint();
    this.#client = instrumentEc2Client(
      createEc2Client({
        region,
        ...(endpoint === null ? {} : { endpoint }),
        ...(this.#source.credentials === undefined
          ? {}
          : { credentials: this.#source.credentials }),
      }),
      (code) => this.#metrics.ec2Error(code),
    );
    return this.#client;
  }

  destroy(): void {
    this.#client?.destroy();
    this.#client = null;
  }
}
