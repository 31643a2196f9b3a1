/**
 * What both VM harnesses (run.ts, run-systemd.ts) start from: where things
 * are, whether a skip counts as a failure (ENI_VM_REQUIRE=1, as CI sets it),
 * and the TAP writer with its log and skip lines.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TapWriter } from "./tap-writer.js";

export interface HarnessEnv {
  /** test/vm of the repository. */
  vmDir: string;
  repoRoot: string;
  /** ENI_VM_CACHE, default .cache/vm of the repository. */
  cacheDir: string;
  log(line: string): void;
  tap: TapWriter;
  /** performance.now() when the harness started. */
  wallStart: number;
  /** Reports that the stage cannot run here; returns the exit code (1 when required). */
  skip(reason: string): number;
}

export function harnessEnv(stage: string): HarnessEnv {
  const vmDir = fileURLToPath(new URL(".", import.meta.url));
  const repoRoot = join(vmDir, "../..");
  const required = process.env.ENI_VM_REQUIRE === "1";
  const tap = new TapWriter((line) => process.stdout.write(`${line}\n`));
  return {
    vmDir,
    repoRoot,
    cacheDir: process.env.ENI_VM_CACHE ?? join(repoRoot, ".cache/vm"),
    log: (line) => process.stdout.write(`# ${line}\n`),
    tap,
    wallStart: performance.now(),
    skip: (reason) => {
      tap.skipAll(reason);
      process.stdout.write(`SKIP: ${stage}: ${reason}\n`);
      return required ? 1 : 0;
    },
  };
}
