/**
 * What `bind`, `restore` and `ops` share in offline mode (no daemon): the
 * flags that locate the host and the state, the configuration file, the
 * engine built on the real adapters, the state-directory lock, progress
 * lines, and the text of a plan.
 *
 * Offline, the command is the agent for as long as it runs: it takes the
 * state directory's lock (so it never races a running daemon), recovers
 * unfinished operations first, then does its one operation.
 */
import { randomUUID } from "node:crypto";
import { release } from "node:os";
import { configuredPrimary, engineOptions } from "../../agent/agent-engine.js";
import { loadConfigFile } from "../../agent/config-file.js";
import { type AgentConfig, DEFAULT_CONFIG_PATH } from "../../agent/config-schema.js";
import { journaledRecord, noopRecord, plannedRecord } from "../../agent/operation-records.js";
import { AgentError, type PciAddress } from "../../common/index.js";
import {
  type AddressProvider,
  type Clock,
  DriverEngine,
  describeState,
  describeStep,
  FileDesiredStore,
  FileJournal,
  lockStateDir,
  type OperationResult,
  type PlannedOperation,
  type ProgressEvent,
} from "../../driver/index.js";
import {
  type DefaultRouteReader,
  type HolderScanner,
  InterfaceAddresses,
  parseVendorDevice,
  RealDefaultRouteReader,
  RealHolderScanner,
  RealSysfs,
  type Sysfs,
} from "../../sysfs/index.js";
import type { CliIo } from "../command.js";
import { describeEndpoint, type Endpoint } from "../daemon/connection-flags.js";
import { probeDaemon } from "../daemon/probe-daemon.js";
import { JSON_SCHEMA_VERSION, recordJson } from "../daemon/to-json.js";
import { usage } from "../flags.js";

/** The --help lines of HOST_FLAGS that bind and restore share. */
export const OFFLINE_HOST_HELP = `    --config FILE      The daemon's configuration file, read as the daemon
                       reads it (default /etc/eni-agent/config.json, if it
                       exists; docs/daemon.md).
    --state-dir DIR    Journal and desired bindings (default: stateDir).
    --sysfs-root DIR   Directory standing for /sys (default: sysfsRoot).
    --proc-root DIR    Directory standing for /proc (default: procRoot).`;

/** Flags of every driver command in offline mode (besides the repeatable --allow). */
export const HOST_FLAGS = {
  offline: { type: "boolean" },
  "sysfs-root": { type: "string" },
  "proc-root": { type: "string" },
  "state-dir": { type: "string" },
  config: { type: "string" },
  json: { type: "boolean" },
} as const;

/** The flags that only make sense offline: given without --offline they are a usage error. */
const OFFLINE_ONLY = ["sysfs-root", "proc-root", "state-dir", "config"] as const;

/**
 * Refuses offline-only flags when the command is about to go through the
 * daemon: silently ignoring --sysfs-root would act on another host than the
 * one the operator named.
 */
export function rejectOfflineFlags(
  command: string,
  values: Partial<Record<(typeof OFFLINE_ONLY)[number], string | undefined>>,
  allow: readonly string[],
): void {
  const given = OFFLINE_ONLY.filter((f) => values[f] !== undefined).map((f) => `--${f}`);
  if (allow.length > 0) given.push("--allow");
  if (given.length > 0) {
    throw usage(
      command,
      `${given.join(", ")} only apply with --offline (without it, the daemon does the work with its own configuration)`,
    );
  }
}

/**
 * Refuses the daemon-only flags with --offline, before anything is touched.
 * `--address` names another host, and offline works on this one.
 * `--timeout` bounds waiting for the daemon, which finishes a journaled move
 * on its own when the command stops waiting. Offline, this process is what
 * finishes the move: it cannot stop waiting without leaving the transaction
 * half-way, and a write blocked in the kernel keeps the process alive until
 * the kernel returns it anyway. So a timeout there could only be ignored or
 * broken; the engine's own deadlines (each write, verification) are what
 * bound an offline move, and they are set in the configuration.
 */
export function rejectDaemonFlags(
  command: string,
  endpoint: Endpoint,
  values: { timeout?: string | undefined },
): void {
  if (endpoint.kind === "tcp") throw usage(command, "--offline works on this host: drop --address");
  if (values.timeout !== undefined) {
    throw usage(
      command,
      "--timeout only applies through the daemon: offline, this process carries the move to its end (committed or rolled back) and cannot stop half-way; each sysfs write and the verification have their own deadlines (transactions.writeTimeoutMs and transactions.verifyTimeoutMs in the configuration)",
    );
  }
}

/**
 * Offline mode must never run next to a daemon: two writers on one device
 * would defeat the per-device locks (the state-directory lock only helps
 * when both use the same directory). There is deliberately no override: an
 * operator who wants to act offline stops the daemon first. Both the socket
 * the command was pointed at and the one the configuration gives the
 * daemon (listeners.socket.path) are asked.
 */
async function refuseNextToDaemon(
  command: string,
  endpoint: Endpoint,
  config: AgentConfig,
): Promise<void> {
  const configured: Endpoint = { kind: "unix", socketPath: config.listeners.socket.path };
  const sockets =
    describeEndpoint(endpoint) === configured.socketPath ? [endpoint] : [endpoint, configured];
  for (const socket of sockets) {
    const reach = await probeDaemon(socket, 2_000);
    if (!reach.answering) continue;
    throw new AgentError(
      "FAILED_PRECONDITION",
      `a daemon answers at ${describeEndpoint(socket)}: ${command} --offline would race it`,
      {
        guard: "daemon-running",
        remedy: `drop --offline to let the daemon do it, or stop the daemon first (systemctl stop eni-agent)`,
      },
    );
  }
}

/** The host the engine works on. Tests pass a simulated one. */
export interface OfflineHost {
  sysfs: Sysfs;
  holders: HolderScanner;
  routes: DefaultRouteReader;
  addresses: AddressProvider;
  kernelRelease: string | null;
  /** The engine's deadlines run on it. Default: real time (tests pass a stepping clock). */
  clock?: Clock;
  /** This process, for the state-directory lock: its pid and the /proc that shows it. */
  pid: number;
  procRoot: string;
}

export interface HostRoots {
  sysfsRoot: string;
  procRoot: string;
}

/**
 * The real host, read the way the daemon reads it (the same adapters). Under
 * another --sysfs-root the interfaces are not this machine's, so no addresses
 * are reported.
 */
export function realHost(roots: HostRoots, pid: number): OfflineHost {
  const local = roots.sysfsRoot === "/sys";
  const holders = new RealHolderScanner({ procRoot: roots.procRoot });
  return {
    sysfs: new RealSysfs({ root: roots.sysfsRoot }),
    holders,
    routes: new RealDefaultRouteReader({ procRoot: roots.procRoot, blockingReads: true }),
    addresses: local ? new InterfaceAddresses() : { addresses: async () => [] },
    kernelRelease: local ? release() : null,
    pid,
    // The lock's owner is this process, so it is read in this host's /proc
    // even when --proc-root names another tree for the holder scan.
    procRoot: "/proc",
  };
}

/** Splits the repeatable `--allow VENDOR:DEVICE` out of argv (the flag parser keeps one value per flag). */
export function takeAllow(
  command: string,
  argv: readonly string[],
): { argv: string[]; allow: string[] } {
  const rest: string[] = [];
  const allow: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    const inline = word.startsWith("--allow=") ? word.slice("--allow=".length) : null;
    if (word !== "--allow" && inline === null) {
      rest.push(word);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === "") throw usage(command, "option --allow needs a value");
    parseVendorDevice(value);
    allow.push(value.toLowerCase());
  }
  return { argv: rest, allow };
}

interface EngineFlagValues {
  "sysfs-root"?: string | undefined;
  "proc-root"?: string | undefined;
  "state-dir"?: string | undefined;
  config?: string | undefined;
}

/**
 * The daemon's configuration file, read with the daemon's schema: --config,
 * else the daemon's default path (absent there: the defaults). Offline, the
 * command stands in for the daemon, so it works under the same rules.
 */
export async function loadConfig(values: EngineFlagValues): Promise<AgentConfig> {
  return loadConfigFile(values.config ?? DEFAULT_CONFIG_PATH, {
    explicit: values.config !== undefined,
  });
}

/** The roots: the flags, else the configuration's. */
export function rootsOf(values: EngineFlagValues, config: AgentConfig): HostRoots {
  return {
    sysfsRoot: values["sysfs-root"] ?? config.sysfsRoot,
    procRoot: values["proc-root"] ?? config.procRoot,
  };
}

interface OfflineEngine {
  engine: DriverEngine;
  stateDir: string;
}

/** What an offline bind or restore runs with. */
interface OfflineRun {
  command: string;
  /** The daemon's socket as the flags name it: it must not answer. */
  endpoint: Endpoint;
  values: EngineFlagValues;
  /** The ids of --allow. */
  allow: readonly string[];
  hostFor: (roots: HostRoots) => OfflineHost;
  io: CliIo;
  /** "write" takes the lock and recovers first; "read" only reads the journal (dry runs). */
  mode: "write" | "read";
}

/**
 * Reads the configuration, refuses to run next to a daemon, then builds
 * the engine on the host `hostFor` gives for the roots, with the state in
 * the state directory and every option from the configuration (plus the
 * ids of --allow).
 */
export async function withEngine<T>(
  run: OfflineRun,
  fn: (offline: OfflineEngine) => Promise<T>,
): Promise<T> {
  const { values, allow, hostFor, io, mode } = run;
  const config = await loadConfig(values);
  await refuseNextToDaemon(run.command, run.endpoint, config);
  const host = hostFor(rootsOf(values, config));
  const stateDir = values["state-dir"] ?? config.stateDir;
  const options = engineOptions(config);
  const engine = new DriverEngine(
    {
      ...host,
      journal: new FileJournal({ stateDir }),
      desired: new FileDesiredStore({ stateDir }),
      primary: { primary: async () => configuredPrimary(config) },
    },
    { ...options, allowedIds: [...(options.allowedIds ?? []), ...allow] },
  );
  if (mode === "read") {
    await engine.inspect();
    return fn({ engine, stateDir });
  }
  const lock = await lockStateDir(stateDir, host);
  try {
    const report = await engine.recover();
    for (const p of report.problems)
      io.stderr.write(`note: journal line ${p.line}: ${p.kind}: ${p.detail}\n`);
    for (const r of report.resolved) {
      io.stderr.write(
        `note: resolved interrupted operation ${r.operationId} on ${r.device}: ${r.status}\n`,
      );
    }
    for (const r of report.refused) {
      io.stderr.write(
        `note: left interrupted operation ${r.operationId} on ${r.device} open: ${r.message}\n`,
      );
    }
    for (const d of report.drift) {
      io.stderr.write(
        `note: ${d.device} has driver_override "${d.override}" that no operation explains` +
          `${d.repaired ? " (cleared)" : ' (set "repairDrift": true in the configuration to clear it)'}\n`,
      );
    }
    return await fn({ engine, stateDir });
  } finally {
    await lock.release();
  }
}

/** Progress lines on stderr while an operation runs (stdout stays for the result). */
export function progressPrinter(io: CliIo): (e: ProgressEvent) => void {
  let device = "" as PciAddress;
  let total = 0;
  const steps = (n: number) => `${n} step${n === 1 ? "" : "s"}`;
  return (event) => {
    switch (event.type) {
      case "begin":
        device = event.device;
        total = event.steps.length;
        io.stderr.write(
          `${device}: ${event.kind}, operation ${event.operationId} (${steps(total)})\n`,
        );
        break;
      case "step":
        io.stderr.write(`  [${event.index + 1}/${total}] ${describeStep(device, event.step)}\n`);
        break;
      case "verify": {
        const mac = event.target.mac ? `, an interface with MAC ${event.target.mac}` : "";
        io.stderr.write(`  verifying: driver ${event.target.driver ?? "(none)"}${mac}\n`);
        break;
      }
      case "rollback":
        total = event.steps.length;
        io.stderr.write(`  failed: ${event.reason.message}\n  rolling back (${steps(total)})\n`);
        break;
      case "end":
        io.stderr.write(`  ${event.status.replace("_", " ")}\n`);
        break;
      default:
        break;
    }
  };
}

/**
 * The `--json` document of an offline bind or restore, dry run or not: the
 * daemon's {"version", "operation"}. There is no "device": offline there is
 * no daemon view of it (`eni-agent status --json` reads sysfs).
 */
export function operationDocument(
  kind: "bind" | "restore",
  done: PlannedOperation | OperationResult,
  request: { force: boolean; persist: boolean },
): string {
  const meta = { requestedBy: null, ...request };
  const record =
    "plan" in done
      ? plannedRecord(`plan-${randomUUID()}`, done, meta)
      : done.operation !== null
        ? journaledRecord(done.operation)
        : noopRecord(`noop-${randomUUID()}`, kind, done, meta);
  return `${JSON.stringify({ version: JSON_SCHEMA_VERSION, operation: recordJson(record) }, null, 2)}\n`;
}

/** The plan as people read it (--dry-run). */
export function renderPlan(planned: PlannedOperation): string {
  const snap = planned.snapshot;
  const who = [snap.interface, snap.mac].filter(Boolean).join(", ");
  const head = `${planned.kind} ${planned.device}${who ? ` (${who})` : ""}: ${snap.driver ?? "(unbound)"} -> ${planned.plan.target.driver ?? "(unbound)"}\n`;
  if (planned.noop) return `${head}  nothing to do: the device is already there\n`;
  const steps = planned.plan.steps
    .map((s, i) => `  ${i + 1}. ${describeStep(planned.device, s)}\n`)
    .join("");
  const t = planned.plan.target;
  const checks = [
    `driver ${t.driver ?? "(none)"}`,
    `driver_override ${t.override ?? "(null)"}`,
    ...(t.mac ? [`an interface with MAC ${t.mac}`] : []),
  ].join(", ");
  const inverse = planned.plan.inverse
    .map((s, i) => `  ${i + 1}. ${describeStep(planned.device, s)}\n`)
    .join("");
  const forced =
    planned.overriddenGuards.length > 0
      ? `guards overridden by --force: ${planned.overriddenGuards.join(", ")}\n`
      : "";
  return `${head}${steps}  then verify: ${checks}\nundo (back to the snapshot):\n${inverse}${forced}`;
}

/** One line for a finished operation. */
export function renderDone(
  verb: string,
  result: {
    device: PciAddress;
    status: string;
    operationId: string | null;
    state: Parameters<typeof describeState>[0];
  },
): string {
  if (result.status === "noop")
    return `${result.device}: already ${verb}; nothing to do (${describeState(result.state)})\n`;
  return `${result.device}: ${verb} (${describeState(result.state)}), operation ${result.operationId}\n`;
}
