/**
 * One process at a time per state directory: the daemon and an offline CLI
 * must not both run transactions and append to one journal.
 *
 * `<dir>/lock` names its owner by pid and start time (field 22 of
 * /proc/<pid>/stat, clock ticks since boot). The pid alone is not an
 * identity: in a pid namespace (a container) the daemon is pid 1 again after
 * every restart, and on any host a pid is reused once its process is gone.
 * A lock whose pid no longer runs, or runs with another start time, is
 * stale and taken over. (Node offers no flock(2) without a native addon;
 * pid plus start time is what the kernel guarantees unique per namespace.
 * The state directory is per host: two pid namespaces sharing one is not
 * supported.)
 */
import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { AgentError, ensureStateDir, stateIoError } from "../common/index.js";

/** The process that takes the lock, and the /proc that shows it and the other holders. */
export interface LockOwner {
  pid: number;
  /** Default for a real process: "/proc". */
  procRoot: string;
}

export interface StateLock {
  release(): Promise<void>;
}

/**
 * Takes `<dir>/lock` (creating `dir`). Throws ABORTED naming the holder when
 * a live process holds it, FAILED_PRECONDITION when the owner's own start
 * time cannot be read.
 */
export async function lockStateDir(dir: string, owner: LockOwner): Promise<StateLock> {
  const started = await startTime(owner.procRoot, owner.pid);
  if (started === null) {
    const stat = join(owner.procRoot, String(owner.pid), "stat");
    throw new AgentError("FAILED_PRECONDITION", `cannot read ${stat}: the state lock needs it`, {
      path: stat,
      remedy: "mount /proc (or pass --proc-root) so the agent can read its own start time",
    });
  }
  await ensureStateDir(dir);
  const path = join(dir, "lock");
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(path, "wx", 0o600);
      try {
        await handle.write(`${owner.pid} ${started}\n`);
      } finally {
        await handle.close();
      }
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw stateIoError("lock", path, err);
    }
    const holder = parseLock(await readFile(path, "utf8").catch(() => ""));
    if (holder !== null && (await holds(holder, owner))) {
      throw new AgentError("ABORTED", `state directory ${dir} is in use by process ${holder.pid}`, {
        path,
        remedy: "use the running daemon, or stop it before using offline commands",
      });
    }
    await rm(path, { force: true });
  }
  throw new AgentError("ABORTED", `could not lock state directory ${dir}`, { path });
}

interface Holder {
  pid: number;
  /** null in the pid-only format of older agents. */
  started: string | null;
}

function parseLock(text: string): Holder | null {
  const m = /^([1-9][0-9]*)(?: ([0-9]+))?\n?$/.exec(text);
  return m === null ? null : { pid: Number(m[1]), started: m[2] ?? null };
}

async function holds(holder: Holder, owner: LockOwner): Promise<boolean> {
  const running = await startTime(owner.procRoot, holder.pid);
  if (running === null) return false;
  if (holder.started !== null) return running === holder.started;
  // Pid-only: this process writes pid and start time, so its own pid there is an earlier life's.
  return holder.pid !== owner.pid;
}

/**
 * Field 22 of `<procRoot>/<pid>/stat`, or null when there is no such
 * process. Fields are counted after the last ")": the command name (field 2)
 * may hold spaces and parentheses.
 */
async function startTime(procRoot: string, pid: number): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(join(procRoot, String(pid), "stat"), "utf8");
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const value = fields[19];
  return value !== undefined && /^[0-9]+$/.test(value) ? value : null;
}
