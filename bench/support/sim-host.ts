/**
 * Simulated hosts written out as real directory trees on tmpfs, so that the
 * real adapter (and the built CLI) can be measured without touching /sys.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { materialize, type SimKernel } from "../../src/sim/index.js";

/** tmpfs when the machine has one, so the numbers measure the code rather than a disk. */
export function benchTempDir(prefix: string): string {
  const base = process.env.ENI_AGENT_BENCH_TMP ?? "/dev/shm";
  return mkdtempSync(join(base, `eni-agent-bench-${prefix}-`));
}

/** Writes `kernel` as `<dir>/sys` and its IPv4 default routes as `<dir>/proc/net/route`. */
export async function writeSimHost(
  kernel: SimKernel,
  dir: string,
): Promise<{ sys: string; proc: string }> {
  const sys = join(dir, "sys");
  const proc = join(dir, "proc");
  await materialize(kernel, sys);
  mkdirSync(join(proc, "net"), { recursive: true });
  const lines = [
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
  ];
  for (const route of kernel.defaultRoutes()) {
    if (route.family !== 4) continue;
    lines.push(
      `${route.interface}\t00000000\t0100000A\t0003\t0\t0\t${route.metric}\t00000000\t0\t0\t0`,
    );
  }
  writeFileSync(join(proc, "net/route"), `${lines.join("\n")}\n`);
  return { sys, proc };
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
