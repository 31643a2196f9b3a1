/**
 * The daemon's configuration: its shape, its documented defaults, and the
 * validation that turns parsed JSON into a deep-frozen AgentConfig. Pure (no
 * I/O): config-file.ts reads the file. Every key is documented in
 * docs/daemon.md; a change here changes that page too.
 */
import type { InterfaceName, Mac } from "../common/index.js";
import { isAgentError } from "../common/index.js";
import { parseDesiredBinding } from "../driver/index.js";
import { DEFAULT_LISTENER_LIMITS } from "../server/server-options.js";
import { othersMayWrite } from "../server/unix-socket.js";
import {
  DEFAULT_DRIVER_ALLOWLIST,
  parseInterfaceName,
  parseKernelDriverName,
  parseMac,
} from "../sysfs/index.js";
import { ConfigReader, configError, deepFreeze } from "./config-reader.js";

export const DEFAULT_CONFIG_PATH = "/etc/eni-agent/config.json";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const RELEASE_POLICIES = [
  "detach-and-delete",
  "detach",
  "delete-on-termination",
  "none",
] as const;
/** What the termination plan does with an owned ENI after returning it to the kernel. */
export type ReleasePolicy = (typeof RELEASE_POLICIES)[number];

export const LIFECYCLE_RESULTS = ["CONTINUE", "ABANDON"] as const;
/** How a plan ends an Auto Scaling lifecycle action. */
export type LifecycleResult = (typeof LIFECYCLE_RESULTS)[number];

export const SPOT_ACTIONS = ["terminate", "stop", "hibernate"] as const;
export type SpotAction = (typeof SPOT_ACTIONS)[number];

/** What one listener may hold at once (its own budget; see docs/api.md). */
export interface ListenerBudget {
  /** Open connections; one past it is closed at once. */
  readonly maxConnections: number;
  /** Open WatchEvents streams, and open Health.Watch streams (each). */
  readonly maxWatchStreams: number;
}

export interface SocketConfig extends ListenerBudget {
  readonly path: string;
  /** Group name or numeric gid owning the socket; null keeps the daemon's group. */
  readonly group: string | number | null;
  /** Permission bits, e.g. 0o660. */
  readonly mode: number;
}

export interface TcpConfig extends ListenerBudget {
  /** "host:port". */
  readonly address: string;
  /** PEM files: server certificate chain, its key, and the CA client certificates chain to. */
  readonly tls: { readonly cert: string; readonly key: string; readonly clientCa: string };
  /** Client identities ("CN=…", "DNS:…", "URI:…") allowed every RPC. */
  readonly writers: readonly string[];
  /** Client identities allowed read-only RPCs. */
  readonly readers: readonly string[];
}

export interface AgentConfig {
  readonly stateDir: string;
  readonly sysfsRoot: string;
  readonly procRoot: string;
  readonly devRoot: string;
  readonly logLevel: LogLevel;
  readonly listeners: {
    readonly socket: SocketConfig;
    readonly readOnlySocket: SocketConfig | null;
    readonly tcp: TcpConfig | null;
    /** A connection must send the HTTP/2 preface (on TCP: finish TLS, then send it) within this. */
    readonly prefaceTimeoutMs: number;
    /** A connection without a call for this long is closed. */
    readonly idleTimeoutMs: number;
  };
  /** vendor:device ids managed besides ENA's, lower case. */
  readonly allowedDevices: readonly string[];
  readonly allowedDrivers: readonly string[];
  /** The primary interface until IMDS names it (then IMDS wins). */
  readonly guards: {
    readonly primaryMac: Mac | null;
    readonly primaryInterface: InterfaceName | null;
  };
  /** Desired bindings declared here: `{ "eniId" | "mac", "driver" }`. */
  readonly bindings: readonly Readonly<Record<string, string>>[];
  readonly repairDrift: boolean;
  /**
   * Binds on trial confirm themselves once the check held this long after
   * the bind ("holder": a process holds the device's vfio group or uio
   * node). null (the default): only ConfirmOperation confirms.
   */
  readonly autoConfirm: { readonly check: "holder"; readonly forMs: number } | null;
  readonly reconcile: {
    readonly intervalMs: number;
    readonly initialBackoffMs: number;
    readonly maxBackoffMs: number;
  };
  readonly deviceWatch: { readonly pollIntervalMs: number };
  readonly transactions: {
    readonly maxParallel: number;
    readonly writeTimeoutMs: number;
    readonly verifyTimeoutMs: number;
    /** How long a stop waits for running transactions to end. */
    readonly drainTimeoutMs: number;
  };
  readonly imds: {
    readonly enabled: boolean;
    readonly endpoint: string;
    readonly requestTimeoutMs: number;
    readonly identityIntervalMs: number;
    readonly spotIntervalMs: number;
    readonly asgIntervalMs: number;
    readonly scheduledIntervalMs: number;
    readonly rebalanceIntervalMs: number;
  };
  readonly ec2: {
    /** null: the Region IMDS reports. */
    readonly region: string | null;
    /** null: the Region's public endpoint. */
    readonly endpoint: string | null;
    readonly ownerTag: { readonly key: string; readonly value: string };
    readonly releasePolicy: ReleasePolicy;
    readonly deleteOnTerminationOnBind: boolean;
    /** Send Force on detach (a last resort: the device index may stay unusable). */
    readonly forceDetach: boolean;
    /** Deletes owned ENIs left `available` (leaked); off by default. */
    readonly leakSweep: {
      readonly enabled: boolean;
      readonly dryRun: boolean;
      readonly intervalMs: number;
      readonly minAgeMs: number;
      readonly createdAtTag: string;
    };
  };
  readonly autoScaling: {
    /** null: the Region's public endpoint. */
    readonly endpoint: string | null;
    /**
     * The terminate lifecycle hook whose action a plan for an Auto Scaling
     * notice completes; null: the agent leaves lifecycle actions alone.
     */
    readonly lifecycleHook: {
      readonly name: string;
      /** null: the instance's aws:autoscaling:groupName tag, else DescribeAutoScalingInstances. */
      readonly groupName: string | null;
      /** The result when the plan failed (a plan that succeeded completes with CONTINUE). */
      readonly onFailure: LifecycleResult;
    } | null;
  };
  readonly termination: {
    readonly act: {
      readonly spot: readonly SpotAction[];
      readonly asg: boolean;
      readonly scheduled: readonly string[];
      readonly rebalance: boolean;
    };
    /** The plan aims to be done this long before a notice's deadline. */
    readonly graceMs: number;
    /** DPDK applications get this long after a notice before their devices are taken back. */
    readonly dpdkGraceMs: number;
    /** Detach, delete and mark calls in flight at once (every owned ENI is worked on together). */
    readonly concurrency: number;
    readonly asgLifecycleHookTimeoutMs: number;
    /** Deadline of a plan whose notice has none (manual, rebalance). */
    readonly defaultDeadlineMs: number;
  };
  /** null: metrics off. */
  readonly metrics: { readonly address: string | null };
}

const HOUR = 3_600_000;
const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
const ENDPOINT = /^https?:\/\/(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const LIFECYCLE_HOOK_NAME = /^[A-Za-z0-9\-_/]{1,255}$/;

function absolutePath(value: string): string | null {
  return value.startsWith("/") ? null : "must be an absolute path";
}

function hostPort(value: string): string | null {
  const port = Number(value.slice(value.lastIndexOf(":") + 1));
  return HOST_PORT.test(value) && port <= 65_535 ? null : 'must be "host:port"';
}

function endpoint(value: string): string | null {
  return ENDPOINT.test(value) ? null : "must be http(s)://host[:port] without a path";
}

function requiredString(
  r: ConfigReader,
  name: string,
  check: (value: string) => string | null,
): string {
  const value = r.optionalString(name, check);
  if (value === null) throw r.error(name, "is required");
  return value;
}

function parsedBy(parse: (value: string) => unknown): (value: string) => string | null {
  return (value) => {
    try {
      parse(value);
      return null;
    } catch (err) {
      if (isAgentError(err)) return err.message;
      throw err;
    }
  };
}

function budgetOf(limits: ListenerBudget): ListenerBudget {
  return { maxConnections: limits.maxConnections, maxWatchStreams: limits.maxWatchStreams };
}

/** Defaults per listener, the server's: the read-only socket, open to every local user, gets the smallest. */
export const LISTENER_BUDGETS: Readonly<
  Record<"socket" | "readOnlySocket" | "tcp", ListenerBudget>
> = {
  socket: budgetOf(DEFAULT_LISTENER_LIMITS.unix),
  readOnlySocket: budgetOf(DEFAULT_LISTENER_LIMITS["unix-read-only"]),
  tcp: budgetOf(DEFAULT_LISTENER_LIMITS.tcp),
};

const BUDGET_KEYS = ["maxConnections", "maxWatchStreams"] as const;

function readBudget(r: ConfigReader, defaults: ListenerBudget): ListenerBudget {
  return {
    maxConnections: r.integer("maxConnections", defaults.maxConnections, 1, 65_536),
    maxWatchStreams: r.integer("maxWatchStreams", defaults.maxWatchStreams, 1, 100_000),
  };
}

function readSocket(
  r: ConfigReader,
  name: "socket" | "readOnlySocket",
  defaults: { path: string; mode: number },
): SocketConfig | null {
  const s = r.optionalObject(name, ["path", "group", "mode", ...BUDGET_KEYS]);
  if (s === null) return null;
  const group = s.raw("group");
  if (
    group !== undefined &&
    group !== null &&
    !(typeof group === "string" && /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(group)) &&
    !(typeof group === "number" && Number.isInteger(group) && group >= 0)
  ) {
    throw s.error("group", "must be a group name or a numeric gid");
  }
  const mode = s.string("mode", defaults.mode.toString(8).padStart(4, "0"), (v) => {
    if (!/^0?[0-7]{3}$/.test(v)) return 'must be an octal mode string such as "0660"';
    // Connecting needs write permission on the socket: "other" write on the
    // main socket would let every local user move NICs.
    if (name === "socket" && othersMayWrite(Number.parseInt(v, 8))) {
      return 'must not give others write access (it would let every local user call every RPC); use "0660" and a group, and the read-only socket for everyone else';
    }
    return null;
  });
  return {
    path: s.string("path", defaults.path, absolutePath),
    group: (group ?? null) as string | number | null,
    mode: Number.parseInt(mode, 8),
    ...readBudget(s, LISTENER_BUDGETS[name]),
  };
}

function readTcp(r: ConfigReader): TcpConfig | null {
  const t = r.optionalObject("tcp", ["address", "tls", "writers", "readers", ...BUDGET_KEYS]);
  if (t === null) return null;
  const address = t.optionalString("address", hostPort);
  if (address === null) throw t.error("address", 'is required, e.g. "0.0.0.0:50551"');
  const tls = t.optionalObject("tls", ["cert", "key", "clientCa"]);
  const files = tls && {
    cert: tls.optionalString("cert", absolutePath),
    key: tls.optionalString("key", absolutePath),
    clientCa: tls.optionalString("clientCa", absolutePath),
  };
  if (files === null || files.cert === null || files.key === null || files.clientCa === null) {
    throw t.error("address", "plaintext TCP is refused; set tls.cert, tls.key and tls.clientCa");
  }
  const writers = t.strings("writers", []);
  const readers = t.strings("readers", []);
  if (writers.length === 0 && readers.length === 0) {
    throw t.error(
      "writers",
      'no client identity is allowed; list some in writers or readers, e.g. "CN=controller"',
    );
  }
  return {
    address,
    tls: { cert: files.cert, key: files.key, clientCa: files.clientCa },
    writers,
    readers,
    ...readBudget(t, LISTENER_BUDGETS.tcp),
  };
}

function readBinding(
  file: string,
  allowedDrivers: readonly string[],
): (item: unknown, key: string) => Readonly<Record<string, string>> {
  return (item, key) => {
    const r = new ConfigReader(file, key, item, ["eniId", "mac", "driver"]);
    if (r.has("eniId") === r.has("mac")) throw configError(file, key, 'needs "eniId" or "mac"');
    try {
      const binding = parseDesiredBinding(item, "config", allowedDrivers);
      const out: Record<string, string> = { ...binding.key, driver: binding.driver };
      return out;
    } catch (err) {
      if (isAgentError(err)) throw configError(file, key, err.message);
      throw err;
    }
  };
}

/**
 * Validates parsed JSON (`{}` gives every default) into a deep-frozen
 * config. Throws INVALID_ARGUMENT `<file>: <key>: <reason>` at the first
 * problem.
 */
export function parseConfig(json: unknown, file: string): AgentConfig {
  const r = new ConfigReader(file, "", json, [
    "stateDir",
    "sysfsRoot",
    "procRoot",
    "devRoot",
    "logLevel",
    "listeners",
    "allowedDevices",
    "allowedDrivers",
    "guards",
    "bindings",
    "repairDrift",
    "autoConfirm",
    "reconcile",
    "deviceWatch",
    "transactions",
    "imds",
    "ec2",
    "autoScaling",
    "termination",
    "metrics",
  ]);
  const listenersJson = r.raw("listeners");
  if (isObject(listenersJson) && Object.hasOwn(listenersJson, "maxWatchStreams")) {
    throw configError(
      file,
      "listeners.maxWatchStreams",
      "was replaced by a cap per listener: listeners.socket.maxWatchStreams, listeners.readOnlySocket.maxWatchStreams, listeners.tcp.maxWatchStreams",
    );
  }
  const listeners = r.object("listeners", [
    "socket",
    "readOnlySocket",
    "tcp",
    "prefaceTimeoutMs",
    "idleTimeoutMs",
  ]);
  const socket = readSocket(listeners, "socket", {
    path: "/run/eni-agent/eni-agent.sock",
    mode: 0o660,
  }) ?? {
    path: "/run/eni-agent/eni-agent.sock",
    group: null,
    mode: 0o660,
    ...LISTENER_BUDGETS.socket,
  };
  const readOnlySocket = readSocket(listeners, "readOnlySocket", {
    path: "/run/eni-agent-ro/eni-agent.sock",
    mode: 0o666,
  });
  if (readOnlySocket !== null && readOnlySocket.path === socket.path) {
    throw listeners.error("readOnlySocket", "must not share the path of listeners.socket");
  }
  const allowedDrivers = r.strings(
    "allowedDrivers",
    DEFAULT_DRIVER_ALLOWLIST,
    parsedBy(parseKernelDriverName),
  );
  const guards = r.object("guards", ["primaryMac", "primaryInterface"]);
  const primaryMac = guards.optionalString("primaryMac", parsedBy(parseMac));
  const primaryInterface = guards.optionalString("primaryInterface", parsedBy(parseInterfaceName));
  const reconcile = r.object("reconcile", ["intervalMs", "initialBackoffMs", "maxBackoffMs"]);
  const tx = r.object("transactions", [
    "maxParallel",
    "writeTimeoutMs",
    "verifyTimeoutMs",
    "drainTimeoutMs",
  ]);
  const imds = r.object("imds", [
    "enabled",
    "endpoint",
    "requestTimeoutMs",
    "identityIntervalMs",
    "spotIntervalMs",
    "asgIntervalMs",
    "scheduledIntervalMs",
    "rebalanceIntervalMs",
  ]);
  const ec2 = r.object("ec2", [
    "region",
    "endpoint",
    "ownerTag",
    "releasePolicy",
    "deleteOnTerminationOnBind",
    "forceDetach",
    "leakSweep",
  ]);
  const owner = ec2.object("ownerTag", ["key", "value"]);
  const sweep = ec2.object("leakSweep", [
    "enabled",
    "dryRun",
    "intervalMs",
    "minAgeMs",
    "createdAtTag",
  ]);
  const autoScaling = r.object("autoScaling", ["endpoint", "lifecycleHook"]);
  const hook = autoScaling.optionalObject("lifecycleHook", ["name", "groupName", "onFailure"]);
  const termination = r.object("termination", [
    "act",
    "graceMs",
    "dpdkGraceMs",
    "concurrency",
    "asgLifecycleHookTimeoutMs",
    "defaultDeadlineMs",
  ]);
  const act = termination.object("act", ["spot", "asg", "scheduled", "rebalance"]);
  const metrics = r.object("metrics", ["address"]);
  const config: AgentConfig = {
    stateDir: r.string("stateDir", "/var/lib/eni-agent", absolutePath),
    sysfsRoot: r.string("sysfsRoot", "/sys", absolutePath),
    procRoot: r.string("procRoot", "/proc", absolutePath),
    devRoot: r.string("devRoot", "/dev", absolutePath),
    logLevel: r.choice("logLevel", "info", LOG_LEVELS),
    listeners: {
      socket,
      readOnlySocket,
      tcp: readTcp(listeners),
      prefaceTimeoutMs: listeners.integer("prefaceTimeoutMs", 10_000, 100, 120_000),
      idleTimeoutMs: listeners.integer("idleTimeoutMs", 300_000, 1_000, 24 * HOUR),
    },
    allowedDevices: r
      .strings("allowedDevices", [], (v) =>
        /^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$/.test(v)
          ? null
          : 'must be "vendor:device", e.g. "8086:10d3"',
      )
      .map((v) => v.toLowerCase()),
    allowedDrivers,
    guards: {
      primaryMac: primaryMac === null ? null : parseMac(primaryMac),
      primaryInterface: primaryInterface === null ? null : parseInterfaceName(primaryInterface),
    },
    bindings: r.objects("bindings", readBinding(file, allowedDrivers)),
    repairDrift: r.boolean("repairDrift", false),
    autoConfirm: readAutoConfirm(r),
    reconcile: {
      intervalMs: reconcile.integer("intervalMs", 5_000, 100, HOUR),
      initialBackoffMs: reconcile.integer("initialBackoffMs", 1_000, 10, HOUR),
      maxBackoffMs: reconcile.integer("maxBackoffMs", 300_000, 10, 24 * HOUR),
    },
    deviceWatch: {
      pollIntervalMs: r
        .object("deviceWatch", ["pollIntervalMs"])
        .integer("pollIntervalMs", 2_000, 50, HOUR),
    },
    transactions: {
      maxParallel: tx.integer("maxParallel", 4, 1, 64),
      writeTimeoutMs: tx.integer("writeTimeoutMs", 30_000, 100, HOUR),
      verifyTimeoutMs: tx.integer("verifyTimeoutMs", 10_000, 100, HOUR),
      drainTimeoutMs: tx.integer("drainTimeoutMs", 60_000, 100, HOUR),
    },
    imds: {
      enabled: imds.boolean("enabled", true),
      endpoint: imds.string("endpoint", "http://169.254.169.254", endpoint),
      requestTimeoutMs: imds.integer("requestTimeoutMs", 1_000, 50, 60_000),
      identityIntervalMs: imds.integer("identityIntervalMs", 300_000, 100, HOUR),
      spotIntervalMs: imds.integer("spotIntervalMs", 5_000, 100, HOUR),
      asgIntervalMs: imds.integer("asgIntervalMs", 5_000, 100, HOUR),
      scheduledIntervalMs: imds.integer("scheduledIntervalMs", 15_000, 100, HOUR),
      rebalanceIntervalMs: imds.integer("rebalanceIntervalMs", 5_000, 100, HOUR),
    },
    ec2: {
      region: ec2.optionalString("region", (v) => (REGION.test(v) ? null : "is not an AWS Region")),
      endpoint: ec2.optionalString("endpoint", endpoint),
      ownerTag: {
        key: owner.string("key", "eni-agent:owner", (v) =>
          v.startsWith("aws:") ? 'must not start with "aws:"' : null,
        ),
        value: owner.string("value", "eni-agent"),
      },
      releasePolicy: ec2.choice("releasePolicy", "detach-and-delete", RELEASE_POLICIES),
      deleteOnTerminationOnBind: ec2.boolean("deleteOnTerminationOnBind", true),
      forceDetach: ec2.boolean("forceDetach", false),
      leakSweep: {
        enabled: sweep.boolean("enabled", false),
        dryRun: sweep.boolean("dryRun", false),
        intervalMs: sweep.integer("intervalMs", 300_000, 1_000, 24 * HOUR),
        minAgeMs: sweep.integer("minAgeMs", 300_000, 0, 30 * 24 * HOUR),
        createdAtTag: sweep.string("createdAtTag", "eni-agent/created-at", (v) =>
          v === "" || v.startsWith("aws:") ? 'must be non-empty and not start with "aws:"' : null,
        ),
      },
    },
    autoScaling: {
      endpoint: autoScaling.optionalString("endpoint", endpoint),
      lifecycleHook: hook && {
        name: requiredString(hook, "name", (v) =>
          LIFECYCLE_HOOK_NAME.test(v)
            ? null
            : "must be 1..255 letters, digits and - _ / (a lifecycle hook name)",
        ),
        groupName: hook.optionalString("groupName", (v) =>
          v.length >= 1 && v.length <= 255 ? null : "must be 1..255 characters",
        ),
        onFailure: hook.choice("onFailure", "CONTINUE", LIFECYCLE_RESULTS),
      },
    },
    termination: {
      act: {
        spot: act.strings("spot", ["terminate", "stop"], (v) =>
          (SPOT_ACTIONS as readonly string[]).includes(v)
            ? null
            : `must be one of ${SPOT_ACTIONS.join(", ")}`,
        ) as SpotAction[],
        asg: act.boolean("asg", true),
        scheduled: act.strings("scheduled", ["instance-stop", "instance-retirement"]),
        rebalance: act.boolean("rebalance", false),
      },
      graceMs: termination.integer("graceMs", 5_000, 0, HOUR),
      dpdkGraceMs: termination.integer("dpdkGraceMs", 5_000, 0, HOUR),
      concurrency: termination.integer("concurrency", 4, 1, 32),
      asgLifecycleHookTimeoutMs: termination.integer(
        "asgLifecycleHookTimeoutMs",
        120_000,
        1_000,
        48 * HOUR,
      ),
      defaultDeadlineMs: termination.integer("defaultDeadlineMs", 60_000, 1_000, HOUR),
    },
    metrics: { address: metrics.optionalString("address", hostPort) },
  };
  if (config.reconcile.maxBackoffMs < config.reconcile.initialBackoffMs) {
    throw reconcile.error("maxBackoffMs", "must not be below reconcile.initialBackoffMs");
  }
  return deepFreeze(config);
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The defaults: what a host without a configuration file runs with. */
export function defaultConfig(): AgentConfig {
  return parseConfig({}, "(defaults)");
}

function readAutoConfirm(r: ConfigReader): AgentConfig["autoConfirm"] {
  const auto = r.optionalObject("autoConfirm", ["check", "forMs"]);
  if (auto === null) return null;
  // forMs within the longest confirmation window: a longer hold could never confirm.
  return {
    check: auto.choice("check", "holder", ["holder"]),
    forMs: auto.integer("forMs", 10_000, 0, 24 * HOUR),
  };
}
