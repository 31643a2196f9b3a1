/**
 * `eni-agent serve`: runs the daemon until SIGTERM/SIGINT (graceful stop:
 * listeners close, running transactions finish, exit 0); SIGHUP reloads the
 * configuration. This module is the daemon's entry point: it is the one
 * place that listens for SIGHUP (main.ts turns SIGTERM/SIGINT into
 * `io.signal`), and everything heavy is imported only once it runs.
 */
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CliIo } from "../command.js";
import { simulatedBaseDir } from "../daemon/default-socket.js";
import { EXIT_OK, exitCodeFor } from "../exit-codes.js";
import { noArguments, parseFlags, usage } from "../flags.js";
import { processWarnings, type WarningSource } from "../process-warnings.js";
import { removeSimEndpoints, writeSimEndpoints } from "./sim.js";

export const HELP = `NAME
    eni-agent serve - run the eni-agent daemon

SYNOPSIS
    eni-agent serve [--config FILE] [--socket PATH] [--log-level LEVEL]
    eni-agent serve --simulate [--socket PATH] [--state-dir DIR] [--config FILE]

DESCRIPTION
    Runs the daemon: recovers unfinished transactions from the journal, then
    serves the gRPC API on a Unix socket (and, when configured, a read-only
    socket and an mTLS TCP listener), watches devices and instance metadata,
    and releases devices when the instance is about to terminate.

    Logs are JSON lines on stdout. Signals:
      SIGTERM, SIGINT   stop accepting calls, let running transactions finish
                        (bounded by transactions.drainTimeoutMs), exit 0;
                        a second signal exits at once (the journal lets the
                        next start finish or roll back what was running)
      SIGHUP            reload the configuration file (a bad file is refused
                        and the running configuration stays)

OPTIONS
    --config FILE      The configuration (default /etc/eni-agent/config.json;
                       a missing default file means the defaults). Keys are
                       documented in docs/daemon.md.
    --socket PATH      The main socket, overriding listeners.socket.path.
    --log-level LEVEL  fatal, error, warn, info, debug, trace or silent,
                       overriding logLevel.
    --simulate         Run on the kernel simulator: an EC2 host with four ENA
                       devices (0000:00:05.0 is the primary), a fake instance
                       metadata service, a fake EC2 (an attach to the
                       simulated instance hot-plugs an ENA, a detach unplugs
                       it) and a fake Auto Scaling endpoint on 127.0.0.1; the
                       endpoints and the instance id are in
                       <socket>.sim.json. imds.endpoint, ec2.endpoint and
                       autoScaling.endpoint in --config replace the fakes (to
                       drill against amazon-ec2-metadata-mock, LocalStack or
                       moto). Needs no root and writes nothing outside its state
                       directory. The socket defaults to
                       $XDG_RUNTIME_DIR/eni-agent/eni-agent.sock (else a
                       directory under the system's temp dir); the paths are
                       printed at start.
    --state-dir DIR    With --simulate: where the journal and the simulated
                       kernel are kept (default: next to the socket). A
                       simulated host is kept across restarts, as a real one.
    --fresh            With --simulate: forget the kept simulated host (its
                       kernel state, journal and release plans) and start
                       from a new one.
    -h, --help         Show this help.

EXIT STATUS
    0   stopped on a signal after a graceful stop
    1   a fatal error stopped the daemon
    2   bad command line or configuration
    3   the configuration file named by --config does not exist
    4   a socket path is taken: another process serves it (is eni-agent
        already running?), or a file that is not a socket is in the way, or
        the socket's directory is writable by others
    6   a listener could not bind (e.g. the TCP address is in use)
    7   the state directory is locked by another eni-agent process

EXAMPLES
    eni-agent serve --config /etc/eni-agent/config.json
    eni-agent serve --simulate
    ENI_AGENT_SOCKET=/run/user/1000/eni-agent/eni-agent.sock eni-agent status
`;

const FLAGS = {
  config: { type: "string" },
  socket: { type: "string" },
  "log-level": { type: "string" },
  simulate: { type: "boolean" },
  "state-dir": { type: "string" },
  fresh: { type: "boolean" },
} as const;

/** Where SIGHUP comes from; tests pass their own. */
interface HangupSource {
  /** Calls `handler` on every hangup; returns the function that stops that. */
  onHangup(handler: () => void): () => void;
}

interface ServeOptions {
  hangups: HangupSource;
  /** Where process warnings come from; without it they are left to node's printer. */
  warnings?: WarningSource;
  /** Called once the daemon listens (tests). */
  onReady?: (info: { socket: string; stateDir: string }) => void;
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  return serve(argv, io, {
    hangups: {
      onHangup(handler) {
        process.on("SIGHUP", handler);
        return () => process.off("SIGHUP", handler);
      },
    },
    warnings: processWarnings,
  });
}

export async function serve(
  argv: readonly string[],
  io: CliIo,
  options: ServeOptions,
): Promise<number> {
  const { values, positionals } = parseFlags("serve", argv, FLAGS);
  noArguments("serve", positionals);
  if (values["state-dir"] !== undefined && !values.simulate) {
    throw usage("serve", "--state-dir goes with --simulate (set stateDir in the configuration)");
  }
  if (values.fresh && !values.simulate) throw usage("serve", "--fresh goes with --simulate");
  const agentModule = await import("../../agent/index.js");
  const simulate = values.simulate;
  const paths = simulate ? simulatePaths(values, io) : null;
  if (values.fresh && paths !== null) {
    forgetSimulatedHost(paths.stateDir, agentModule.SIM_KERNEL_FILE);
  }
  const socket = paths?.socket ?? values.socket;
  for (const [flag, path] of [
    ["--socket", socket],
    ["--state-dir", paths?.stateDir],
  ] as const) {
    if (path !== undefined && !path.startsWith("/")) {
      throw usage("serve", `${flag} needs an absolute path: ${JSON.stringify(path)}`);
    }
  }
  const transform = (json: unknown): unknown => {
    const out = isObject(json) ? structuredClone(json) : json;
    if (!isObject(out)) return out;
    if (values["log-level"] !== undefined) out.logLevel = values["log-level"];
    if (socket !== undefined) setIn(out, ["listeners", "socket", "path"], socket);
    if (paths !== null) out.stateDir = paths.stateDir;
    return out;
  };
  const configPath = values.config ?? agentModule.DEFAULT_CONFIG_PATH;
  // A simulated daemon reads a configuration only when told to: the host's
  // /etc/eni-agent/config.json describes the real host.
  const useFile = !simulate || values.config !== undefined;
  const loadConfig = () =>
    useFile
      ? agentModule.loadConfigFile(configPath, { explicit: values.config !== undefined, transform })
      : Promise.resolve(agentModule.parseConfig(transform({}), "(simulate defaults)"));
  const config = await loadConfig();

  const log = agentModule.createLog(config.logLevel, io.stdout);
  // Node's warnings go to the log for as long as the daemon runs, however it ends.
  const stopWarnings = options.warnings?.onWarning((warning) => {
    log.warn({ warning }, "process warning");
  });
  try {
    const sim = simulate ? agentModule.simulatedHost(config) : null;
    const adapters = sim ?? agentModule.realAdapters(config);
    let fatal: unknown = null;
    const stopRequested = new AbortController();
    const agent = await agentModule.buildAgent(config, {
      adapters,
      log,
      loadConfig,
      configPath: useFile ? configPath : null,
      owner: { pid: process.pid, procRoot: config.procRoot },
      shutdown: (err) => {
        log.fatal({ err }, "fatal error; stopping");
        fatal ??= err;
        stopRequested.abort();
      },
    });
    log.info(
      {
        mode: adapters.mode,
        config: useFile ? configPath : null,
        stateDir: config.stateDir,
        socket: config.listeners.socket.path,
        uvThreadpoolSize: io.env.UV_THREADPOOL_SIZE ?? null,
      },
      "starting",
    );
    try {
      await agent.start();
    } catch (err) {
      log.error({ err }, "the daemon could not start");
      io.stderr.write(`eni-agent serve: ${(err as Error).message}\n`);
      return exitCodeFor(err);
    }
    const socketPath = config.listeners.socket.path;
    if (sim !== null) {
      // `eni-agent sim notice` finds the fake IMDS (and its control token)
      // here; an external IMDS is scripted with its own tools.
      if (!sim.external.imds) {
        await writeSimEndpoints(socketPath, {
          version: 1,
          pid: process.pid,
          imds: sim.fakeImds.url,
          ec2: sim.ec2Endpoint() ?? "",
          instanceId: sim.instanceId,
          controlToken: sim.fakeImds.controlToken,
        });
      }
      const which = (external: boolean) => (external ? "configured" : "fake");
      io.stderr.write(
        `eni-agent: simulated EC2 host ready\n` +
          `  socket       ${config.listeners.socket.path}\n` +
          `  state dir    ${config.stateDir}\n` +
          `  IMDS         ${sim.imdsEndpoint()} (${which(sim.external.imds)})\n` +
          `  EC2          ${sim.ec2Endpoint()} (${which(sim.external.ec2)})\n` +
          `  instance     ${sim.instanceId}\n` +
          `  Auto Scaling ${sim.autoScalingEndpoint()} (${which(sim.external.autoScaling)})\n` +
          (sim.external.imds
            ? ""
            : `  notices      ENI_AGENT_SOCKET=${socketPath} eni-agent sim notice spot\n`) +
          `  try          ENI_AGENT_SOCKET=${config.listeners.socket.path} eni-agent status\n`,
      );
    }
    options.onReady?.({ socket: config.listeners.socket.path, stateDir: config.stateDir });

    const stopHangups = options.hangups.onHangup(() => {
      void agent.reload();
    });
    await new Promise<void>((resolve) => {
      if (io.signal?.aborted || stopRequested.signal.aborted) resolve();
      io.signal?.addEventListener("abort", () => resolve(), { once: true });
      stopRequested.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    log.info({ reason: fatal === null ? "signal" : "fatal error" }, "stopping");
    stopHangups();
    await agent.stop();
    if (sim !== null && !sim.external.imds) await removeSimEndpoints(socketPath);
    log.info({}, "stopped");
    return fatal === null ? EXIT_OK : 1;
  } finally {
    stopWarnings?.();
  }
}

function simulatePaths(
  values: { socket?: string | undefined; "state-dir"?: string | undefined },
  io: CliIo,
): { socket: string; stateDir: string } {
  if (values.socket !== undefined) {
    return {
      socket: values.socket,
      stateDir: values["state-dir"] ?? join(dirname(values.socket), "eni-agent-state"),
    };
  }
  const base = simulatedBaseDir(io.env);
  return {
    socket: join(base, "eni-agent.sock"),
    stateDir: values["state-dir"] ?? join(base, "state"),
  };
}

/**
 * Removes a simulated host's state directory, recognised by the simulator's
 * kernel file, so that --fresh can never delete a directory it did not make.
 */
function forgetSimulatedHost(stateDir: string, kernelFile: string): void {
  if (!existsSync(stateDir)) return;
  if (!existsSync(join(stateDir, kernelFile))) {
    throw usage("serve", `--fresh: ${stateDir} holds no simulated host; remove it yourself`);
  }
  rmSync(stateDir, { recursive: true, force: true });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Sets a nested key, creating objects on the way (a non-object in the way is left for validation to report). */
function setIn(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = root;
  for (const key of path.slice(0, -1)) {
    const next = at[key] ?? {};
    if (!isObject(next)) return;
    at[key] = next;
    at = next;
  }
  at[path.at(-1)!] = value;
}
