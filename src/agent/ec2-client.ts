/**
 * The daemon's EC2 client: built on first use (the Region may come from
 * IMDS), pointed at the configured endpoint (or the simulated one), and
 * instrumented so that every failed attempt, retries included, is counted by
 * EC2 error code (`eni_agent_ec2_api_errors_total`, throttles apart).
 *
 * The SDK is imported on that first use, not at start: it is the largest
 * thing the daemon could load (tens of MiB resident), and most daemons never
 * call EC2 (only a termination plan, the leak sweeper and DeleteOnTermination
 * at bind do). Only type imports of the SDK may appear here.
 */
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Ec2ClientOptions } from "../aws/index.js";
import { AgentError } from "../common/index.js";
import type { AgentMetrics } from "./agent-metrics.js";

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
  readonly #metrics: Pick<AgentMetrics, "ec2Error">;
  #client: EC2Client | null = null;

  constructor(source: Ec2ClientSource, metrics: Pick<AgentMetrics, "ec2Error">) {
    this.#source = source;
    this.#metrics = metrics;
  }

  /**
   * The client, loading the SDK the first time. Rejects with UNAVAILABLE
   * while the Region is unknown (no ec2.region and IMDS not answered yet).
   */
  async get(): Promise<EC2Client> {
    if (this.#client !== null) return this.#client;
    const region = this.#source.region();
    if (region === null) {
      throw new AgentError("UNAVAILABLE", "the EC2 Region is not known yet", {
        remedy: "set ec2.region, or wait for instance metadata to answer",
      });
    }
    const { createEc2Client } = await import("../aws/ec2-client.js");
    // Two first callers may both have waited for the import: keep one client.
    if (this.#client !== null) return this.#client;
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
