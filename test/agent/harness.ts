/**
 * Builds the whole agent on the kernel simulator with a temporary state
 * directory and socket, fast poll intervals and captured logs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Test } from "tap";
import { type Agent, buildAgent } from "../../src/agent/agent.js";
import { createLog } from "../../src/agent/agent-log.js";
import { type AgentConfig, parseConfig } from "../../src/agent/config-schema.js";
import { type SimulatedHost, simulatedHost } from "../../src/agent/simulated-host.js";
import type { AgentError } from "../../src/common/index.js";
import type { SimKernel } from "../../src/sim/index.js";

export interface AgentHarness {
  agent: Agent;
  host: SimulatedHost;
  config: AgentConfig;
  dir: string;
  socket: string;
  /** Parsed log lines so far. */
  logs: Record<string, unknown>[];
  fatal: AgentError[];
}

export interface HarnessOptions {
  /** Extra configuration (merged over the harness defaults at the top level). */
  config?: Record<string, unknown>;
  kernel?: SimKernel;
  /** Use this state directory (kept by the caller) instead of a fresh one. */
  dir?: string;
  persist?: boolean;
  start?: boolean;
  configPath?: string;
  loadConfig?: () => Promise<AgentConfig>;
}

export async function tempDir(t: Test, prefix = "eni-agent-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function fastConfig(
  dir: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    stateDir: join(dir, "state"),
    listeners: { socket: { path: join(dir, "agent.sock") } },
    deviceWatch: { pollIntervalMs: 50 },
    reconcile: { intervalMs: 200, initialBackoffMs: 50 },
    transactions: { verifyTimeoutMs: 2_000, drainTimeoutMs: 5_000 },
    imds: {
      identityIntervalMs: 200,
      spotIntervalMs: 100,
      asgIntervalMs: 100,
      scheduledIntervalMs: 200,
      rebalanceIntervalMs: 200,
      requestTimeoutMs: 200,
    },
    ...extra,
  };
}

export async function agentHarness(t: Test, options: HarnessOptions = {}): Promise<AgentHarness> {
  const dir = options.dir ?? (await tempDir(t));
  const config = parseConfig(fastConfig(dir, options.config), "test-config.json");
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const log = createLog("debug", sink);
  const host = simulatedHost(config, { kernel: options.kernel, persist: options.persist ?? false });
  const fatal: AgentError[] = [];
  const agent = await buildAgent(config, {
    adapters: host,
    log,
    shutdown: (err) => fatal.push(err),
    configPath: options.configPath ?? null,
    loadConfig: options.loadConfig,
    owner: { pid: process.pid, procRoot: "/proc" },
  });
  if (options.start !== false) {
    await agent.start();
    t.teardown(() => agent.stop());
  }
  return { agent, host, config, dir, socket: config.listeners.socket.path, logs, fatal };
}

/**
 * Resolves once `check()` is true, polling every 10 ms, or rejects after `ms`.
 * The bound only ends a test that is failing anyway: a passing one returns
 * as soon as the condition holds. It is wide because a daemon's first EC2
 * call loads the SDK, and on two busy cores that alone has taken seconds.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 30_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
