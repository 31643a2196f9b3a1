/**
 * The daemon's heap as the collector sees it, read from outside: the daemon
 * runs with --expose-gc and a small preload (written next to its socket)
 * that, on SIGUSR2, runs a full collection and writes process.memoryUsage()
 * to a file. That tells what is still reachable, which resident memory
 * alone cannot tell from garbage the collector has not come back for.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { DaemonFixture } from "./daemon-process.js";
import { mib, readProcSample } from "./proc-stats.js";

const PROBE = (file: string) => `
import { writeFileSync } from "node:fs";
process.on("SIGUSR2", () => {
  globalThis.gc();
  writeFileSync(${JSON.stringify(file)}, JSON.stringify(process.memoryUsage()));
});
`;

export interface Memory {
  /** VmRSS as found. */
  rssMiB: number;
  /** V8 heap in use right after a full collection the daemon ran when asked (SIGUSR2). */
  heapMiB: number;
  /** V8 heap committed (heapTotal) after that collection. */
  heapTotalMiB: number;
  /** VmRSS right after that collection. */
  rssAfterGcMiB: number;
}

/** Table columns of a Memory reading, and its cells, in MiB. */
export const MEMORY_COLUMNS = [
  "VmRSS",
  "VmRSS after GC",
  "heap used after GC",
  "heap committed",
] as const;

export function memoryCells(m: Memory): string[] {
  return [m.rssMiB, m.rssAfterGcMiB, m.heapMiB, m.heapTotalMiB].map((v) => v.toFixed(1));
}

/** The node arguments of `eni-agent serve --simulate` with the probe, for DaemonOptions.command. */
export function serveWithHeapProbe(socket: string): string[] {
  const dir = dirname(socket);
  const probe = join(dir, "heap-probe.mjs");
  writeFileSync(probe, PROBE(join(dir, "heap.json")));
  return [
    "--expose-gc",
    "--import",
    probe,
    "bin/eni-agent.js",
    "serve",
    "--simulate",
    "--socket",
    socket,
    "--config",
    join(dir, "config.json"),
  ];
}

/** VmRSS, then the heap after a full collection in the daemon, then VmRSS again. */
export async function daemonMemory(fixture: DaemonFixture): Promise<Memory> {
  const running = fixture.daemon;
  const rssMiB = mib(readProcSample(running.pid).rssKiB);
  const file = join(fixture.dir, "heap.json");
  rmSync(file, { force: true });
  process.kill(running.pid, "SIGUSR2");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await sleep(20);
    if (!existsSync(file)) continue;
    try {
      const usage = JSON.parse(readFileSync(file, "utf8")) as {
        heapUsed: number;
        heapTotal: number;
      };
      return {
        rssMiB,
        heapMiB: usage.heapUsed / 2 ** 20,
        heapTotalMiB: usage.heapTotal / 2 ** 20,
        rssAfterGcMiB: mib(readProcSample(running.pid).rssKiB),
      };
    } catch {
      // Read while being written: the next poll has all of it.
    }
  }
  throw new Error("the daemon did not report its heap");
}
