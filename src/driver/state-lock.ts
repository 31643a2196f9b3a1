import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { AgentError, ensureStateDir, stateIoError } from "../common/index.js";

/**
 * One process at a time per state directory: the daemon and an offline CLI
 * must not both run transactions and append to one journal. `<dir>/lock`
 * holds the owner's pid; a lock whose pid is gone is taken over.
 */
export async function lockStateDir(
  dir: string,
  isAlive: (pid: number) => boolean,
  pid: number,
): Promise<{ release(): Promise<void> }> {
  await ensureStateDir(dir);
  const path = join(dir, "lock");
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(path, "wx", 0o600);
      try {
        await handle.write(`${pid}\n`);
      } finally {
        await handle.close();
      }
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw stateIoError("lock", path, err);
    }
    const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new AgentError("ABORTED", `state directory ${dir} is in use by process ${owner}`, {
        path,
        remedy: "use the running daemon, or stop it before using offline commands",
      });
    }
    await rm(path, { force: true });
  }
  throw new AgentError("ABORTED", `could not lock state directory ${dir}`, { path });
}
