/**
 * What the offline command tests share: a simulated host behind the
 * commands' host seam (with a /proc for the state lock), a capture of what
 * a command prints and its exit code, and a temporary state directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import type { CliIo } from "../../src/cli/command.js";
import type { OfflineHost } from "../../src/cli/commands/driver-offline.js";
import { exitCodeFor } from "../../src/cli/exit-codes.js";
import type { Clock } from "../../src/driver/index.js";
import type { SimKernel } from "../../src/sim/index.js";

/** A /proc with this "process" (4242) and one other live one (777), for the state lock. */
const PROC = mkdtempSync(join(tmpdir(), "cli-proc-"));
t.teardown(() => rmSync(PROC, { recursive: true, force: true }));
for (const [pid, start] of [
  [4242, 10],
  [777, 20],
]) {
  mkdirSync(join(PROC, String(pid)));
  const fields = "S 0 1 1 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0";
  writeFileSync(join(PROC, String(pid), "stat"), `${pid} (node) ${fields} ${start} 1 1\n`);
}

export function simHost(kernel: SimKernel, clock?: Clock): OfflineHost {
  return {
    sysfs: kernel.sysfs,
    holders: kernel.holders,
    routes: { defaultRoutes: async () => kernel.defaultRoutes() },
    addresses: { addresses: async () => [] },
    kernelRelease: kernel.config.release,
    ...(clock === undefined ? {} : { clock }),
    pid: 4242,
    procRoot: PROC,
  };
}

/** Runs a command's seam function; a thrown error becomes its exit code and message, as runCli does. */
export async function capture(fn: (io: CliIo) => Promise<number>) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
  };
  let code: number;
  try {
    code = await fn(io);
  } catch (err) {
    stderr += `${(err as Error).message}\n${(err as { remedy?: string }).remedy ?? ""}\n`;
    code = exitCodeFor(err);
  }
  return { code, stdout, stderr };
}

export async function stateDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cli-driver-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
