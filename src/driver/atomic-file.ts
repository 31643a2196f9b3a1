/**
 * Atomic replace of a file in the state directory: write a temp file, fsync
 * it, rename it over the old one, fsync the directory (a rename is durable
 * only once its directory is). A crash leaves the old or the new file, never
 * a mix.
 */
import { mkdir, open, rename } from "node:fs/promises";
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
