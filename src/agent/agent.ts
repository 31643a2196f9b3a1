/**
 * The composition root: builds every part of the daemon from a frozen
 * configuration and a set of host adapters (real or simulated), and runs
 * them as an ordered list of start/stop hooks:
 *
 *   state dir → adapters → metrics → EC2 client → IMDS identity
 *   → journal recovery (stop: drain) → desired bindings → ENI intents → release plans
 *   → reconciler → confirmation watch → device watcher → termination watcher
 *   → leak sweeper
 *   → config watcher → kubelet device plugin (when on) → gRPC listeners
 *
 * The parts are built in agent-engine.ts, agent-watchers.ts, agent-ec2.ts
 * (the EC2 side, its SDK loaded on first use), agent-kubelet.ts (kubelet's
 * device plugin, loaded when it is on), agent-hooks.ts (the hooks that are
 * not services) and listener-options.ts (the gRPC server's).
 *
 * Recovery resolves every unfinished transaction before the listeners
 * accept work; stop runs in reverse, so the listeners close first, then the
 * jobs, then running transactions are drained (never abandoned half-way).
 *
 * Nothing here touches `process`: a fatal error goes to `deps.shutdown`.
 */
import type { TerminationWatcher as AwsWatcher, LeakSweeper } from "../aws/index.js";
import { type AgentError, toAgentError } from "../common/index.js";
import { ConfirmationWatch, type DriverEngine, Reconciler, realClock } from "../driver/index.js";
import type { EniIntents } from "../intents/index.js";
import { AgentServer, type AgentServerOptions } from "../server/index.js";
import { AgentEc2 } from "./agent-ec2.js";
import { buildEngine } from "./agent-engine.js";
import { MonitoredJournal } from "./agent-health.js";
import {
  adaptersHook,
  ec2ClientHook,
  type LockOwner,
  recoveryHook,
  stateDirHook,
} from "./agent-hooks.js";
import { agentIntents } from "./agent-intents.js";
import { AgentKubelet } from "./agent-kubelet.js";
import { type AgentLog, progressLogger } from "./agent-log.js";
import { AgentMetrics } from "./agent-metrics.js";
import { deviceWatcherFor, terminationWatcherFor } from "./agent-watchers.js";
import { planReload } from "./config-diff.js";
import type { AgentConfig } from "./config-schema.js";
import { ConfigWatcher, type ReloadResult, type ReloadTrigger } from "./config-watcher.js";
import type { DeviceWatcher } from "./device-watcher.js";
import {
  type AgentAutoScalingClient,
  type AgentEc2Client,
  agentAutoScalingClient,
  agentEc2Client,
} from "./ec2-client.js";
import { EniAgentCore } from "./eni-agent-core.js";
import type { HostAdapters } from "./host-adapters.js";
import { ImdsIdentity } from "./imds-identity.js";
import { hook, Lifecycle } from "./lifecycle-hooks.js";
import { listenerOptions } from "./listener-options.js";
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
  owner?: LockOwner;
}

/** The parts a test or the entry point may reach. */
export class Agent {
  readonly core: EniAgentCore;
  readonly engine: DriverEngine;
  readonly server: AgentServer;
  readonly metrics: AgentMetrics;
  readonly identity: ImdsIdentity;
  /** The controller contract: ENI intents, the release handshake, status. */
  readonly intents: EniIntents;
  /** The EC2 client, made on first use (the release plan's; counts API errors). */
  readonly ec2: AgentEc2Client;
  /** The Auto Scaling client, made on first use (lifecycle actions). */
  readonly autoScaling: AgentAutoScalingClient;
  readonly devices: DeviceWatcher;
  readonly configWatcher: ConfigWatcher;
  /** kubelet's device plugin (`devicePlugin.enabled`). */
  readonly kubelet: AgentKubelet;
  readonly #deps: AgentDeps;
  readonly #lifecycle: Lifecycle;
  readonly #reconciler: Rebuildable<Reconciler, AgentConfig>;
  readonly #confirmations: Rebuildable<ConfirmationWatch, AgentConfig>;
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
    let intents: EniIntents | null = null;
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
        onRefresh: () => {
          refreshHealth();
          // An ENI an intent waits for may be listed now.
          intents?.reconcile();
        },
      },
      { intervalMs: () => current().imds.identityIntervalMs },
    );
    const region = () => current().ec2.region ?? this.identity.instance()?.region ?? null;
    const credentials = adapters.ec2Credentials;
    this.ec2 = agentEc2Client(
      { region, endpoint: adapters.ec2Endpoint, credentials },
      this.metrics,
    );
    this.autoScaling = agentAutoScalingClient({
      region,
      endpoint: adapters.autoScalingEndpoint,
      credentials,
    });
    this.#ec2 = new AgentEc2({
      config: current,
      client: this.ec2,
      autoScaling: this.autoScaling,
      imds: adapters.imds,
      instanceId: () => this.identity.instance()?.instanceId ?? null,
      log,
    });
    const journal = new MonitoredJournal(adapters.journal, refreshHealth);
    this.engine = buildEngine(config, current, adapters, journal, this.identity);
    this.engine.subscribe(progressLogger(log));
    this.#watcher = new Rebuildable(
      "termination-watcher",
      config,
      (c) =>
        adapters.imds === null
          ? null
          : terminationWatcherFor(c, adapters.imds, {
              log,
              metrics: this.metrics,
              onNotice: (notice) => this.core.notice(notice),
              onNoticeChanged: (notice, previousDeadlineMs) => {
                const plan = this.#ec2.noticeChanged(notice);
                log.info(
                  {
                    notice: notice.key,
                    deadline: notice.deadlineMs === undefined ? null : new Date(notice.deadlineMs),
                    previous:
                      previousDeadlineMs === undefined ? null : new Date(previousDeadlineMs),
                    plan,
                  },
                  "termination notice deadline changed",
                );
              },
              refreshHealth: () => this.core.refreshHealth(),
            }),
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
          log,
        }),
      protectEni: (eniId) => this.#ec2.protectEni(eniId),
      pools: () => this.kubelet.guard(),
    });
    this.core = core;
    intents = agentIntents({
      stateDir: config.stateDir,
      sysfs: adapters.sysfs,
      engine: this.engine,
      identity: this.identity,
      mayBind: () => this.core.mayBind(),
      log,
      publish: (status) => this.core.publish({ kind: "eni_phase_changed", status }),
      detachAndDelete: (eniId) => this.#ec2.detachAndDelete(eniId),
    });
    this.intents = intents;
    this.kubelet = new AgentKubelet({
      config: current,
      core,
      identity: this.identity,
      ec2: this.#ec2,
      log,
    });
    this.#reconciler = new Rebuildable(
      "reconciler",
      config,
      (c) => new Reconciler({ engine: this.engine, clock: realClock }, c.reconcile),
      (c) => c.reconcile,
    );
    this.#confirmations = new Rebuildable(
      "confirmation-watch",
      config,
      (c) =>
        new ConfirmationWatch(
          {
            engine: this.engine,
            clock: realClock,
            failed: (op, action, err) =>
              log.warn({ op, err }, `bind on trial: ${action} failed; retrying`),
          },
          { autoConfirm: c.autoConfirm },
        ),
      (c) => c.autoConfirm,
    );
    this.#sweeper = new Rebuildable(
      "leak-sweeper",
      config,
      (c) => (c.ec2.leakSweep.enabled ? this.#ec2.newSweeper(c) : null),
      (c) => [c.ec2.leakSweep, c.ec2.ownerTag],
    );
    this.devices = deviceWatcherFor(config, current, {
      sysfs: adapters.sysfs,
      log,
      onChanges: (changes) => {
        this.core.deviceChanges(changes);
        this.intents.reconcile();
      },
    });
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
    this.server = new AgentServer({ core: this.core, intents: this.intents, log }, serverOptions);
    this.#lifecycle = new Lifecycle(log, { startTimeoutMs: deps.startTimeoutMs })
      .add(stateDirHook(config.stateDir, deps.owner))
      .add(adaptersHook(adapters.services))
      .add(this.metrics)
      .add(ec2ClientHook(this.ec2))
      .add(ec2ClientHook(this.autoScaling, "autoscaling-client"))
      .add(this.identity)
      .add(recoveryHook(this.core, config.transactions.drainTimeoutMs, log))
      .add(hook("desired-bindings", () => this.core.applyDesired()))
      .add(this.intents)
      .add(hook("release-plans", () => this.core.resumeTermination()))
      .add(this.#reconciler)
      .add(this.#confirmations)
      .add(this.devices)
      .add(this.#watcher)
      .add(this.#sweeper)
      .add(this.configWatcher)
      .add(this.kubelet)
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
      await this.#confirmations.reconfigure(this.#config);
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
}

/** Reads what the listeners need from disk (TLS files, group ids), then builds the agent. */
export async function buildAgent(config: AgentConfig, deps: AgentDeps): Promise<Agent> {
  return new Agent(config, deps, await listenerOptions(config, deps.configPath ?? null));
}
