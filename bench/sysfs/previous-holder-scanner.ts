/**
 * The holder scan as it was before the shared, bounded walk, kept for the
 * benchmark's baseline: every process's fd directory listed at once, and one
 * thread-pool readlink promise per descriptor, all started together. At
 * 5,000 processes × 100 descriptors it holds half a million promises in
 * flight (several GiB of heap, about a minute a run), so the benchmark
 * runs it at 1,000 processes only.
 */
import { readdir, readlink } from "node:fs/promises";

export async function previousHolders(procRoot: string, nodes: readonly string[]): Promise<number> {
  const wanted = new Set(nodes);
  const pids = (await readdir(procRoot)).filter((name) => /^[0-9]+$/.test(name));
  const perProcess = await Promise.all(
    pids.map(async (pid) => {
      const fdDir = `${procRoot}/${pid}/fd`;
      const fds = await readdir(fdDir).catch(() => [] as string[]);
      const targets = await Promise.all(
        fds.map((fd) => readlink(`${fdDir}/${fd}`).catch(() => undefined)),
      );
      return targets.filter((target) => target !== undefined && wanted.has(target)).length;
    }),
  );
  return perProcess.reduce((a, b) => a + b, 0);
}
