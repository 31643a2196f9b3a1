/**
 * Atomic replace of a file in the state directory: write a temp file, fsync
 * it, rename it over the old one, fsync the directory (a rename is durable
 * only once its directory is). A crash leaves the old or the new file, never
 * a mix.
 */
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { AgentError } from "../common/index.js";

export async function ensureStateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw stateIoError("mkdir", dir, err);
  }
}

export async function atomicWriteFile(dir: string, name: string, text: string): Promise<void> {
  await ensureStateDir(dir);
  const path = join(dir, name);
  const temp = `${path}.tmp`;
  try {
    const handle = await open(temp, "w", 0o600);
    try {
      await handle.write(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    throw stateIoError("replace", path, err);
  }
  await syncDir(dir);
}

export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw stateIoError("fsync", dir, err);
  }
}

export function stateIoError(syscall: string, path: string, err: unknown): AgentError {
  const errno = (err as NodeJS.ErrnoException).code;
  const code = errno === "EACCES" || errno === "EPERM" ? "PERMISSION_DENIED" : "UNAVAILABLE";
  return new AgentError(code, `state ${syscall} ${path}: ${errno ?? String(err)}`, {
    errno,
    syscall,
    path,
    remedy:
      code === "PERMISSION_DENIED"
        ? "run eni-agent as root or choose a writable --state-dir"
        : "check the state directory's disk (space, read-only remount)",
    cause: err,
  });
}

/** Reads and parses a JSON file (configuration); errors name the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    throw new AgentError(
      errno === "ENOENT" ? "NOT_FOUND" : "UNAVAILABLE",
      `cannot read ${path}: ${errno}`,
      {
        errno,
        path,
        cause: err,
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AgentError(
      "INVALID_ARGUMENT",
      `${path} is not valid JSON: ${(err as Error).message}`,
      {
        path,
        cause: err,
      },
    );
  }
}

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
