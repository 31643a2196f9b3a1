/**
 * Prometheus metrics (prom-client, a registry of our own: no global state),
 * served as text on a local address when `metrics.address` is set. Gauges
 * that mirror engine state are computed at scrape time, never kept apart.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { THROTTLING_CODES } from "../aws/index.js";
import { AgentError, type Service } from "../common/index.js";
import type { ProgressEvent } from "../driver/index.js";

export interface MetricsSources {
  degradedDevices(): number;
  stuckDevices(): number;
}

export class AgentMetrics implements Service {
  readonly name = "metrics";
  readonly registry = new Registry();
  readonly operations: Counter<"kind" | "result">;
  readonly rollbacks: Counter;
  readonly drift: Counter;
  readonly imdsPollErrors: Counter<"source" | "code">;
  readonly ec2Errors: Counter<"code">;
  readonly ec2Throttles: Counter;
  readonly terminationPlanSeconds: Histogram<"result">;
  readonly #address: () => string | null;
  readonly #kinds = new Map<string, string>();
  #server: Server | null = null;
  #listening: string | null = null;

  constructor(sources: MetricsSources, options: { address: () => string | null }) {
    this.#address = options.address;
    const registers = [this.registry];
    this.operations = new Counter({
      name: "eni_agent_operations_total",
      help: "Driver operations that ended, by kind and result (committed, rolled_back, rollback_failed, stuck)",
      labelNames: ["kind", "result"],
      registers,
    });
    this.rollbacks = new Counter({
      name: "eni_agent_rollbacks_total",
      help: "Transactions that started rolling back",
      registers,
    });
    new Gauge({
      name: "eni_agent_degraded_devices",
      help: "Devices whose last rollback or repair failed (under repair)",
      registers,
      collect() {
        this.set(sources.degradedDevices());
      },
    });
    new Gauge({
      name: "eni_agent_stuck_devices",
      help: "Devices with a sysfs write blocked in the kernel",
      registers,
      collect() {
        this.set(sources.stuckDevices());
      },
    });
    this.drift = new Counter({
      name: "eni_agent_drift_found_total",
      help: "Devices found differing from what the journal or the desired bindings explain",
      registers,
    });
    this.imdsPollErrors = new Counter({
      name: "eni_agent_imds_poll_errors_total",
      help: "Failed IMDS polls, by source (identity, spot, asg, scheduled, rebalance) and error code",
      labelNames: ["source", "code"],
      registers,
    });
    this.ec2Errors = new Counter({
      name: "eni_agent_ec2_api_errors_total",
      help: "EC2 API errors per attempt, by error code",
      labelNames: ["code"],
      registers,
    });
    this.ec2Throttles = new Counter({
      name: "eni_agent_ec2_throttles_total",
      help: "EC2 API attempts answered with a throttling error",
      registers,
    });
    this.terminationPlanSeconds = new Histogram({
      name: "eni_agent_termination_plan_seconds",
      help: "Duration of termination plans, by result",
      labelNames: ["result"],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
      registers,
    });
  }

  /** Counts operation outcomes and rollbacks from the engine's events. */
  observe(event: ProgressEvent): void {
    if (event.type === "begin") this.#kinds.set(event.operationId, event.kind);
    else if (event.type === "rollback") this.rollbacks.inc();
    else if (event.type === "end") {
      const kind = this.#kinds.get(event.operationId) ?? "unknown";
      if (event.status !== "stuck") this.#kinds.delete(event.operationId);
      this.operations.inc({ kind, result: event.status });
    }
  }

  /** Counts one failed EC2 attempt. */
  ec2Error(code: string): void {
    this.ec2Errors.inc({ code });
    if (THROTTLING_CODES.has(code)) this.ec2Throttles.inc();
  }

  /** "host:port" actually bound (port 0 picks one); null when off. */
  listening(): string | null {
    return this.#listening;
  }

  async start(_signal: AbortSignal): Promise<void> {
    const address = this.#address();
    if (address === null || this.#server !== null) return;
    const cut = address.lastIndexOf(":");
    const host = address.slice(0, cut).replace(/^\[|\]$/g, "");
    const port = Number(address.slice(cut + 1));
    const server = createServer((req, res) => {
      if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": this.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err) =>
        reject(
          new AgentError("UNAVAILABLE", `metrics: cannot listen on ${address}: ${err.message}`, {
            cause: err,
          }),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    const bound = server.address() as AddressInfo;
    this.#listening = `${host.includes(":") ? `[${host}]` : host}:${bound.port}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.#listening = null;
    if (server === null) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Re-binds after the address changed in a reload. */
  async rebind(signal: AbortSignal): Promise<void> {
    await this.stop();
    await this.start(signal);
  }
}
