/**
 * The daemon as operators run it: `eni-agent serve --simulate` from the
 * built CLI, in a process of its own, so that a benchmark's clients, memory
 * readings and CPU readings see what a controller on the host would see.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { benchTempDir, removeTree } from "./sim-host.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Builds dist/, so that the daemon measured is the code as it is now. */
export function buildCli(): void {
  const result = spawnSync(process.execPath, ["scripts/build.mjs"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (result.status !== 0) throw new Error(`the build failed: ${result.stderr}`);
}

export interface DaemonOptions {
  /** A directory of its own: the socket, the state directory and the log go in it. */
  dir: string;
  /** Written to <dir>/config.json and passed with --config. */
  config?: object;
  /**
   * What node runs instead of `bin/eni-agent.js serve --simulate --socket S
   * [--config F]`, given the socket path (in `dir`).
   */
  command?: (socketPath: string) => string[];
  /** Added to the bench process's environment. */
  env?: Record<string, string>;
  /** How long the daemon gets to listen. Default 30 s. */
  readyTimeoutMs?: number;
}

export interface DaemonProcess {
  readonly pid: number;
  readonly socketPath: string;
  /** stdout and stderr of the daemon (its JSON log and start banner). */
  readonly logPath: string;
  /** SIGTERM, then waits for the exit (SIGKILL after 30 s); resolves to the exit code. */
  stop(): Promise<number | null>;
}

export async function startDaemon(options: DaemonOptions): Promise<DaemonProcess> {
  const socketPath = join(options.dir, "agent.sock");
  const logPath = join(options.dir, "daemon.log");
  let args = ["bin/eni-agent.js", "serve", "--simulate", "--socket", socketPath];
  if (options.config !== undefined) {
    const configPath = join(options.dir, "config.json");
    writeFileSync(configPath, JSON.stringify(options.config, null, 2));
    args.push("--config", configPath);
  }
  if (options.command !== undefined) args = options.command(socketPath);
  // The log goes to a file: a pipe nobody drains would block the daemon.
  const log = openSync(logPath, "w");
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start node ${args.join(" ")}`);
  try {
    await waitListening(socketPath, child, options.readyTimeoutMs ?? 30_000);
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    throw new Error(`${(err as Error).message}; its log:\n${tail(logPath)}`);
  }
  let stopped: Promise<number | null> | null = null;
  return {
    pid,
    socketPath,
    logPath,
    stop() {
      stopped ??= (async () => {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      })();
      return stopped;
    },
  };
}

/** Resolves once the socket accepts a connection; rejects when the process exits or time runs out. */
async function waitListening(path: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the daemon exited (${child.exitCode ?? child.signalCode}) before listening`);
    }
    if (existsSync(path) && (await accepts(path))) return;
    await sleep(50);
  }
  throw new Error(`the daemon did not listen on ${path} within ${timeoutMs} ms`);
}

function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "(no log)";
  }
}

/** A daemon in a temp directory of its own, started by a benchmark's setup and stopped by its teardown. */
export interface DaemonFixture {
  setup(): Promise<void>;
  /** Stops the daemon (an exit other than 0 fails the benchmark) and removes the directory. */
  teardown(): Promise<void>;
  /** The running daemon, between setup and teardown. */
  readonly daemon: DaemonProcess;
  readonly dir: string;
}

export function daemonFixture(
  prefix: string,
  options: Omit<DaemonOptions, "dir"> & { prepare?: () => void | Promise<void> } = {},
): DaemonFixture {
  let dir = "";
  let running: DaemonProcess | null = null;
  return {
    async setup() {
      await (options.prepare ?? buildCli)();
      dir = benchTempDir(prefix);
      try {
        running = await startDaemon({ ...options, dir });
      } catch (err) {
        // The harness runs no teardown after a failed setup.
        removeTree(dir);
        throw err;
      }
    },
    async teardown() {
      const code = await running?.stop();
      running = null;
      if (dir !== "") removeTree(dir);
      if (code !== undefined && code !== 0) throw new Error(`the daemon exited ${code} at stop`);
    },
    get daemon() {
      if (running === null) throw new Error("the daemon runs between setup and teardown");
      return running;
    },
    get dir() {
      return dir;
    },
  };
}
