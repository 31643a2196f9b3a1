/**
 * The composition root: builds every part of the daemon from a frozen
 * configuration and a set of host adapters (real or simulated), and runs
 * them as an ordered list of start/stop hooks:
 *
 *   adapters → metrics → IMDS identity → journal recovery (stop: drain)
 *   → desired bindings → reconciler → device watcher → termination watcher
 *   → health → config watcher → gRPC listeners
 *
 * Recovery resolves every unfinished transaction before the listeners
 * accept work; stop runs in reverse, so the listeners close first, then the
 * jobs, then running transactions are drained (never abandoned half-way).
 *
 * Nothing here touches `process`: a fatal error goes to `deps.shutdown`.
 */
import {
  type TerminationWatcher as AwsWatcher,
  type LeakSweeper,
  TerminationWatcher,
} from "../aws/index.js";
import { type AgentError, type Service, toAgentError } from "../common/index.js";
import { DriverEngine, lockStateDir, Reconciler, realClock } from "../driver/index.js";
import { AgentServer, type AgentServerOptions } from "../server/index.js";
import { AgentEc2 } from "./agent-ec2.js";
import { MonitoredJournal } from "./agent-health.js";
import { type AgentLog, progressLogger } from "./agent-log.js";
import { AgentMetrics } from "./agent-metrics.js";
import { planReload } from "./config-diff.js";
import { readTlsFiles, resolveGroup } from "./config-file.js";
import type { AgentConfig, SocketConfig } from "./config-schema.js";
import { ConfigWatcher, type ReloadResult, type ReloadTrigger } from "./config-watcher.js";
import { DeviceWatcher } from "./device-watcher.js";
import { AgentEc2Client } from "./ec2-client.js";
import { EniAgentCore } from "./eni-agent-core.js";
import type { HostAdapters } from "./host-adapters.js";
import { ImdsIdentity } from "./imds-identity.js";
import { type Hook, hook, Lifecycle } from "./lifecycle-hooks.js";
import { Rebuildable } from "./rebuildable.js";
import { ReleasePlanRunner } from "./release-plan-runner.js";

export interface AgentDeps {
  adapters: HostAdapters;
  log: AgentLog;
  /** Called with a fatal error; the entry point stops the agent and exits non-zero. */
  shutdown: (error: AgentError) => void;
  /** Reads the configuration again (reload); absent: reload is refused. */
  loadConfig?: () => Promise<AgentConfig>;
  /** The file the config watcher watches; null: reload on signal only. */
  configPath?: string | null;
  /** Bound of one hook's start, in ms. Default 30 000. */
  startTimeoutMs?: number;
  /**
   * This process, for the state directory's lock (one process per journal:
   * the daemon or an offline command). Absent: no lock (tests of one agent).
   */
  owner?: { pid: number; isAlive(pid: number): boolean };
}

/** The parts a test or the entry point may reach. */
export class Agent {
  readonly core: EniAgentCore;
  readonly engine: DriverEngine;
  readonly server: AgentServer;
  readonly metrics: AgentMetrics;
  readonly identity: ImdsIdentity;
  /** The EC2 client, made on first use (the release plan's; counts API errors). */
  readonly ec2: AgentEc2Client;
  readonly devices: DeviceWatcher;
  readonly configWatcher: ConfigWatcher;
  readonly #deps: AgentDeps;
  readonly #lifecycle: Lifecycle;
  readonly #reconciler: Rebuildable<Reconciler, AgentConfig>;
  readonly #watcher: Rebuildable<AwsWatcher, AgentConfig>;
  readonly #sweeper: Rebuildable<LeakSweeper, AgentConfig>;
  readonly #ec2: AgentEc2;
  #config: AgentConfig;

  constructor(config: AgentConfig, deps: AgentDeps, serverOptions: AgentServerOptions) {
    this.#config = config;
    this.#deps = deps;
    const { adapters, log } = deps;
    const current = () => this.#config;
    let core: EniAgentCore | null = null;
    const refreshHealth = () => core?.refreshHealth();

    this.metrics = new AgentMetrics(
      {
        degradedDevices: () => this.engine.degradedDevices().length,
        stuckDevices: () => this.engine.operations().filter((o) => o.status === "stuck").length,
      },
      { address: () => current().metrics.address },
    );
    this.identity = new ImdsIdentity(
      {
        imds: adapters.imds,
        onError: (err) => {
          this.metrics.imdsPollErrors.inc({ source: "identity", code: err.code });
          log.debug({ err }, "IMDS identity refresh failed");
          refreshHealth();
        },
        onRefresh: refreshHealth,
      },
      { intervalMs: () => current().imds.identityIntervalMs },
    );
    this.ec2 = new AgentEc2Client(
      {
        region: () => current().ec2.region ?? this.identity.instance()?.region ?? null,
        endpoint: adapters.ec2Endpoint,
        credentials: adapters.ec2Credentials,
      },
      this.metrics,
    );
    this.#ec2 = new AgentEc2({
      config: current,
      client: this.ec2,
      instanceId: () => this.identity.instance()?.instanceId ?? null,
      log,
    });
    const journal = new MonitoredJournal(adapters.journal, refreshHealth);
    this.engine = new DriverEngine(
      {
        sysfs: adapters.sysfs,
        journal,
        holders: adapters.holders,
        routes: adapters.routes,
        addresses: adapters.addresses,
        primary: {
          // IMDS names the primary once it answered; until then, the configuration.
          primary: async () => {
            const instance = this.identity.instance();
            if (instance !== null) return { mac: instance.primaryMac, interface: null };
            const { primaryMac, primaryInterface } = current().guards;
            return primaryMac === null && primaryInterface === null
              ? null
              : { mac: primaryMac, interface: primaryInterface };
          },
        },
        kernelRelease: adapters.kernelRelease,
        desired: adapters.desired,
        eniMac: (eniId) => this.identity.eniMac(eniId),
        clock: realClock,
      },
      {
        allowedIds: config.allowedDevices,
        allowedDrivers: config.allowedDrivers,
        desiredBindings: config.bindings,
        maxParallel: config.transactions.maxParallel,
        writeTimeoutMs: config.transactions.writeTimeoutMs,
        verifyTimeoutMs: config.transactions.verifyTimeoutMs,
        repairDrift: config.repairDrift,
      },
    );
    this.engine.subscribe(progressLogger(log));
    this.#watcher = new Rebuildable(
      "termination-watcher",
      config,
      (c) => (adapters.imds === null ? null : this.#newWatcher(c, adapters.imds)),
      (c) => [c.termination, c.imds],
    );
    core = new EniAgentCore({
      engine: this.engine,
      sysfs: adapters.sysfs,
      holders: adapters.holders,
      routes: adapters.routes,
      identity: this.identity,
      desired: adapters.desired,
      journal,
      kernelRelease: adapters.kernelRelease,
      imdsEndpoint: adapters.imdsEndpoint,
      watcher: () => this.#watcher.current()?.getHealth() ?? null,
      metrics: this.metrics,
      log,
      config: current,
      fatal: (error) => deps.shutdown(error),
      planner: (hooks) =>
        new ReleasePlanRunner({
          hooks,
          plan: (emit) => this.#ec2.releasePlan(emit, hooks),
          defaultDeadlineMs: () => current().termination.defaultDeadlineMs,
        }),
      protectEni: (eniId) => this.#ec2.protectEni(eniId),
    });
    this.core = core;
    this.#reconciler = new Rebuildable(
      "reconciler",
      config,
      (c) => new Reconciler({ engine: this.engine, clock: realClock }, c.reconcile),
      (c) => c.reconcile,
    );
    this.#sweeper = new Rebuildable(
      "leak-sweeper",
      config,
      (c) => (c.ec2.leakSweep.enabled ? this.#ec2.newSweeper(c) : null),
      (c) => [c.ec2.leakSweep, c.ec2.ownerTag],
    );
    const ids = () => ["1d0f:ec20", "1d0f:ec21", ...current().allowedDevices];
    this.devices = new DeviceWatcher(
      {
        sysfs: adapters.sysfs,
        managed: (d) => ids().includes(`${d.vendor}:${d.device}`),
        onChanges: (changes) => this.core.deviceChanges(changes),
        onError: (err) => log.warn({ err }, "device scan failed"),
      },
      {
        pollIntervalMs: () => current().deviceWatch.pollIntervalMs,
        read: { devRoot: config.devRoot },
      },
    );
    this.configWatcher = new ConfigWatcher(
      {
        load: deps.loadConfig ?? (async () => this.#config),
        apply: (next, trigger) => this.#apply(next, trigger),
        refused: (error, trigger) => {
          log.error({ err: error, trigger }, "configuration refused; the running one stays");
          this.core.configStatus(error.message);
        },
      },
      { path: deps.configPath ?? null },
    );
    this.server = new AgentServer({ core: this.core, log }, serverOptions);
    const drainMs = config.transactions.drainTimeoutMs;
    let lock: { release(): Promise<void> } | null = null;
    const owner = deps.owner;
    this.#lifecycle = new Lifecycle(log, { startTimeoutMs: deps.startTimeoutMs })
      .add(
        hook(
          "state-dir",
          async () => {
            if (owner) lock = await lockStateDir(config.stateDir, owner.isAlive, owner.pid);
          },
          async () => {
            await lock?.release();
            lock = null;
          },
        ),
      )
      .add(adaptersHook(adapters.services))
      .add(this.metrics)
      .add(
        hook(
          "ec2-client",
          () => undefined,
          () => this.ec2.destroy(),
        ),
      )
      .add(this.identity)
      .add(
        hook(
          "journal-recovery",
          async () => {
            await this.core.recover();
          },
          async () => {
            if (!(await this.core.drain(drainMs))) {
              log.error({ timeoutMs: drainMs }, "transactions still running at the drain timeout");
            }
          },
          drainMs + 5_000,
        ),
      )
      .add(hook("desired-bindings", () => this.core.applyDesired()))
      .add(hook("release-plans", () => this.core.resumeTermination()))
      .add(this.#reconciler)
      .add(this.devices)
      .add(this.#watcher)
      .add(this.#sweeper)
      .add(this.configWatcher)
      .add(this.server);
  }

  config(): AgentConfig {
    return this.#config;
  }

  /** Starts every hook in order; on failure, what started is stopped and the error rethrown. */
  start(): Promise<void> {
    return this.#lifecycle.start();
  }

  /** Stops in reverse order: listeners, jobs, then running transactions drain. Idempotent. */
  stop(): Promise<void> {
    return this.#lifecycle.stop();
  }

  /** SIGHUP: reads the configuration again; a bad one is refused and the running one stays. */
  reload(): Promise<ReloadResult> {
    return this.configWatcher.reload("signal");
  }

  async #apply(next: AgentConfig, trigger: ReloadTrigger): Promise<void> {
    const { log } = this.#deps;
    const change = planReload(this.#config, next);
    if (change.restart.length > 0) {
      log.warn({ keys: change.restart }, "changed keys need a restart; they keep their old values");
    }
    // Said at the old level, before a new level may silence it.
    log.info({ trigger, live: change.live, restart: change.restart }, "configuration reloaded");
    this.#config = change.effective;
    log.level = this.#config.logLevel;
    try {
      await this.#reconciler.reconfigure(this.#config);
      await this.#watcher.reconfigure(this.#config);
      await this.#sweeper.reconfigure(this.#config);
      if (change.live.some((k) => k.startsWith("metrics."))) {
        await this.metrics.rebind(new AbortController().signal);
      }
    } catch (err) {
      // The daemon keeps running without the part that failed (e.g. metrics on a taken port).
      const error = toAgentError(err);
      log.error({ err: error }, "a reloaded setting could not be applied");
      this.core.configStatus(`reloaded, but not applied: ${error.message}`);
      return;
    }
    this.core.configStatus(null);
  }

  #newWatcher(c: AgentConfig, imds: NonNullable<HostAdapters["imds"]>): AwsWatcher {
    const { log } = this.#deps;
    return new TerminationWatcher(
      {
        imds,
        onNotice: (notice) => this.core.notice(notice),
        onError: (source, err) => {
          this.metrics.imdsPollErrors.inc({ source, code: err.code });
          log.debug({ source, err }, "IMDS poll failed");
        },
        // Health follows the polls as they end, rather than a timer waking every second.
        onPolled: () => this.core.refreshHealth(),
      },
      {
        spotIntervalMs: c.imds.spotIntervalMs,
        asgIntervalMs: c.imds.asgIntervalMs,
        scheduledIntervalMs: c.imds.scheduledIntervalMs,
        rebalanceIntervalMs: c.imds.rebalanceIntervalMs,
        asgLifecycleHookTimeoutMs: c.termination.asgLifecycleHookTimeoutMs,
        policy: {
          spotActions: c.termination.act.spot,
          asgTerminated: c.termination.act.asg,
          scheduledCodes: c.termination.act.scheduled,
          rebalance: c.termination.act.rebalance,
        },
      },
    );
  }
}

/** Reads what the listeners need from disk (TLS files, group ids), then builds the agent. */
export async function buildAgent(config: AgentConfig, deps: AgentDeps): Promise<Agent> {
  const file = deps.configPath ?? "(configuration)";
  const { listeners } = config;
  const socket = async (s: SocketConfig, key: string) => ({
    path: s.path,
    mode: s.mode,
    gid: await resolveGroup(s.group, key, file),
  });
  const tcp = listeners.tcp;
  const serverOptions: AgentServerOptions = {
    socket: await socket(listeners.socket, "listeners.socket.group"),
    readOnlySocket:
      listeners.readOnlySocket === null
        ? null
        : await socket(listeners.readOnlySocket, "listeners.readOnlySocket.group"),
    tcp:
      tcp === null
        ? null
        : {
            address: tcp.address,
            tls: await readTlsFiles(tcp.tls, file),
            writers: tcp.writers,
            readers: tcp.readers,
          },
    driverAllowlist: config.allowedDrivers,
    limits: { maxWatchStreams: listeners.maxWatchStreams },
    // In-flight calls (a bind waiting for its transaction) get their answer.
    stopTimeoutMs: config.transactions.drainTimeoutMs,
  };
  return new Agent(config, deps, serverOptions);
}

/**
 * The adapters' own services (the simulated IMDS and EC2 endpoints), started
 * first and stopped last. They get a signal of their own rather than the
 * lifecycle's: that one aborts when a stop begins, and work the stop drains
 * (a transaction, a termination plan, DeleteOnTermination at bind) still
 * talks to them until the drain is over. A start that fails or times out
 * still aborts them.
 */
function adaptersHook(services: readonly Service[]): Hook {
  let own: AbortController | null = null;
  return hook(
    "adapters",
    async (signal) => {
      own = new AbortController();
      const abort = own;
      const forward = () => abort.abort(signal.reason);
      signal.addEventListener("abort", forward, { once: true });
      try {
        for (const s of services) await s.start(abort.signal);
      } finally {
        signal.removeEventListener("abort", forward);
      }
    },
    async () => {
      for (const s of [...services].reverse()) await s.stop();
      own?.abort();
      own = null;
    },
  );
}
