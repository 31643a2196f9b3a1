/**
 * `eni-agent serve --simulate` in a child process (a simulated EC2 host, no
 * root, nothing written outside its temp directory), stopped and removed
 * when the test ends.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Test } from "tap";
import { until } from "../server/harness.js";
import { tsNodeArgs } from "../support/ts-node.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface SimulatedDaemon {
  socket: string;
  /** `<socket>.sim.json`: the fake endpoints, the instance id, the IMDS control token. */
  endpointsFile: string;
  child: ChildProcess;
  exited: Promise<void>;
  /** Everything it printed so far (JSON log lines and the start banner). */
  log: () => string;
}

/** Starts one; `config` is written to a file its --config names. */
export async function serveSimulated(
  t: Test,
  options: { config?: Record<string, unknown> } = {},
): Promise<SimulatedDaemon> {
  const dir = mkdtempSync(join(tmpdir(), "eacli-"));
  const socket = join(dir, "s.sock");
  const endpointsFile = `${socket}.sim.json`;
  const configArgs: string[] = [];
  if (options.config !== undefined) {
    writeFileSync(join(dir, "config.json"), JSON.stringify(options.config));
    configArgs.push("--config", join(dir, "config.json"));
  }
  let log = "";
  const child = spawn(
    process.execPath,
    tsNodeArgs(
      "src/cli/main.ts",
      "serve",
      "--simulate",
      "--socket",
      socket,
      "--state-dir",
      join(dir, "state"),
      ...configArgs,
    ),
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (b: Buffer) => (log += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (log += b.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  t.teardown(async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });
  // The endpoints file is written once the daemon serves: it is the readiness mark.
  await until(
    () => existsSync(endpointsFile) || child.exitCode !== null,
    "the daemon's endpoints file",
    7_500,
  );
  if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${log}`);
  return { socket, endpointsFile, child, exited, log: () => log };
}
