/**
 * The agent's files in its state directory (journal compaction, desired
 * bindings, release plans) and the simulator's files (endpoints, the kept
 * kernel): one atomic writer for all of them. Replace = write a temp file,
 * fsync it, rename it over the old one, fsync the directory (a rename is
 * durable only once its directory is). A crash leaves the old or the new
 * file, never a mix.
 */
import { randomUUID } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { AgentError } from "./agent-error.js";

export async function ensureStateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw stateIoError("mkdir", dir, err);
  }
}

/**
 * Replaces `<dir>/<name>` with `text` atomically (mode 0600; `dir` is created
 * 0700). Each call writes its own temp file: two replaces of one file at once
 * must never write into the same temp file, or one could publish the other's
 * half-written text. Concurrent callers of one file still race on which
 * version ends up last; serializing them is the caller's job.
 */
export async function atomicWriteFile(dir: string, name: string, text: string): Promise<void> {
  await ensureStateDir(dir);
  const path = join(dir, name);
  const temp = tempPath(path);
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw stateIoError("replace", path, err);
  }
  await syncDir(dir);
}

/**
 * atomicWriteFile for a caller that must be done before its turn ends (the
 * simulator saves its kernel in the same turn as each change, so that a kill
 * never finds a change the file lacks). `dir` must exist.
 */
export function atomicWriteFileSync(dir: string, name: string, text: string): void {
  const path = join(dir, name);
  const temp = tempPath(path);
  try {
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    const dirFd = openSync(dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch (err) {
    rmSync(temp, { force: true });
    throw stateIoError("replace", path, err);
  }
}

/** Each write its own temp file: two replaces of one file must never share one. */
function tempPath(path: string): string {
  return `${path}.${randomUUID()}.tmp`;
}

/** The text of `<dir>/<name>`; null when the file does not exist (nothing stored yet). */
export async function readStateFile(dir: string, name: string): Promise<string | null> {
  const path = join(dir, name);
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw stateIoError("read", path, err);
  }
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
