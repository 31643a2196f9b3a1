/**
 * Prometheus metrics, served as text on a local address when
 * `metrics.address` is set. Gauges that mirror engine state are computed at
 * scrape time, never kept apart.
 *
 * The daemon counts in plain maps from its start; prom-client (a registry of
 * our own: no global state) is imported only when the listener first starts
 * or the text is first asked for, and its metrics read those maps at every
 * scrape. Metrics are off by default, and prom-client costs about 11 MiB
 * resident that a daemon nobody scrapes would carry for nothing; counting
 * from the start keeps a listener turned on by a reload truthful.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { THROTTLING_CODES } from "../aws/index.js";
import { AgentError, type Service } from "../common/index.js";
import type { ProgressEvent } from "../driver/index.js";

interface MetricsSources {
  degradedDevices(): number;
  stuckDevices(): number;
}

type Labels<L extends string> = Partial<Record<L, string>>;

/** A counter's values by label set. */
class CounterValues<L extends string = never> {
  readonly #values = new Map<string, { labels: Labels<L>; value: number }>();

  inc(labels: Labels<L> = {}, by = 1): void {
    const key = JSON.stringify(labels);
    const entry = this.#values.get(key);
    if (entry === undefined) this.#values.set(key, { labels, value: by });
    else entry.value += by;
  }

  entries(): Iterable<{ labels: Labels<L>; value: number }> {
    return this.#values.values();
  }
}

/**
 * A histogram's observations, kept as they came: it has one, the duration
 * of termination plans, of which a daemon sees a handful in its life.
 */
class HistogramValues<L extends string> {
  readonly #observed: { labels: Labels<L>; value: number }[] = [];

  observe(labels: Labels<L>, value: number): void {
    this.#observed.push({ labels, value });
  }

  entries(): readonly { labels: Labels<L>; value: number }[] {
    return this.#observed;
  }
}

export class AgentMetrics implements Service {
  readonly name = "metrics";
  readonly operations = new CounterValues<"kind" | "result">();
  readonly rollbacks = new CounterValues();
  readonly unconfirmedReverts = new CounterValues<"result">();
  readonly drift = new CounterValues();
  readonly imdsPollErrors = new CounterValues<"source" | "code">();
  readonly ec2Errors = new CounterValues<"code">();
  readonly ec2Throttles = new CounterValues();
  readonly terminationPlanSeconds = new HistogramValues<"result">();
  readonly #sources: MetricsSources;
  readonly #address: () => string | null;
  readonly #kinds = new Map<string, string>();
  #registry: Promise<Registry> | null = null;
  #server: Server | null = null;
  #listening: string | null = null;

  constructor(sources: MetricsSources, options: { address: () => string | null }) {
    this.#sources = sources;
    this.#address = options.address;
  }

  /** Counts operation outcomes and rollbacks from the engine's events. */
  observe(event: ProgressEvent): void {
    if (event.type === "begin") this.#kinds.set(event.operationId, event.kind);
    else if (event.type === "rollback") this.rollbacks.inc();
    else if (event.type === "confirmation" && event.state === "reverted") {
      this.unconfirmedReverts.inc({ result: event.revertOutcome ?? "unknown" });
    } else if (event.type === "end") {
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

  /** The exposition text a scrape gets (loads prom-client the first time). */
  async text(): Promise<string> {
    return (await this.#loadRegistry()).metrics();
  }

  async start(_signal: AbortSignal): Promise<void> {
    const address = this.#address();
    if (address === null || this.#server !== null) return;
    const registry = await this.#loadRegistry();
    const cut = address.lastIndexOf(":");
    const host = address.slice(0, cut).replace(/^\[|\]$/g, "");
    const port = Number(address.slice(cut + 1));
    const server = createServer((req, res) => {
      if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
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

  #loadRegistry(): Promise<Registry> {
    this.#registry ??= import("prom-client").then((prom) => this.#register(prom));
    return this.#registry;
  }

  /** The prom-client metrics, each reading the daemon's values at scrape time. */
  #register(prom: typeof import("prom-client")): Registry {
    const registry = new prom.Registry();
    const registers = [registry];
    const counter = <L extends string>(
      name: string,
      help: string,
      values: CounterValues<L>,
      labelNames: readonly L[] = [],
    ) =>
      new prom.Counter<L>({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const { labels, value } of values.entries()) this.inc(labels, value);
        },
      });
    const gauge = (name: string, help: string, read: () => number) =>
      new prom.Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    counter(
      "eni_agent_operations_total",
      "Driver operations that ended, by kind and result (committed, rolled_back, rollback_failed, stuck)",
      this.operations,
      ["kind", "result"],
    );
    counter("eni_agent_rollbacks_total", "Transactions that started rolling back", this.rollbacks);
    counter(
      "eni_agent_unconfirmed_reverts_total",
      "Binds on trial reverted because their deadline passed unconfirmed, by the revert's outcome (committed: the device is home)",
      this.unconfirmedReverts,
      ["result"],
    );
    gauge(
      "eni_agent_degraded_devices",
      "Devices whose last rollback or repair failed (under repair)",
      () => this.#sources.degradedDevices(),
    );
    gauge("eni_agent_stuck_devices", "Devices with a sysfs write blocked in the kernel", () =>
      this.#sources.stuckDevices(),
    );
    counter(
      "eni_agent_drift_found_total",
      "Devices found differing from what the journal or the desired bindings explain",
      this.drift,
    );
    counter(
      "eni_agent_imds_poll_errors_total",
      "Failed IMDS polls, by source (identity, spot, asg, scheduled, rebalance) and error code",
      this.imdsPollErrors,
      ["source", "code"],
    );
    counter(
      "eni_agent_ec2_api_errors_total",
      "EC2 API errors per attempt, by error code",
      this.ec2Errors,
      ["code"],
    );
    counter(
      "eni_agent_ec2_throttles_total",
      "EC2 API attempts answered with a throttling error",
      this.ec2Throttles,
    );
    const plans = this.terminationPlanSeconds;
    new prom.Histogram({
      name: "eni_agent_termination_plan_seconds",
      help: "Duration of termination plans, by result",
      labelNames: ["result"],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
      registers,
      collect() {
        this.reset();
        for (const { labels, value } of plans.entries()) this.observe(labels, value);
      },
    });
    return registry;
  }
}
