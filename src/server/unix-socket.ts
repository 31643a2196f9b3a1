/**
 * The file-system side of a Unix socket listener: the directory that guards
 * it, a stale socket left by a crash, the socket's mode and group.
 *
 * - A directory the listener creates gets `directoryMode` (and the group). An
 *   existing directory is used as it is, but refused when it is a symlink or
 *   writable by group or others (whoever can write there can swap the socket).
 * - A socket file already at the path is probed: nobody answering means a
 *   crash left it (unlinked); a live listener means another daemon runs
 *   (refused, never stolen). Anything but a socket is refused, never removed.
 */
import { chmod, chown, lstat, mkdir, unlink } from "node:fs/promises";
import { createConnection } from "node:net";
import { dirname, isAbsolute } from "node:path";
import { AgentError, isAgentError } from "../common/index.js";

export interface UnixSocketSpec {
  path: string;
  /** Socket file mode, e.g. 0o660. */
  mode: number;
  /** Mode of the directory when the listener creates it, e.g. 0o750. */
  directoryMode: number;
  /** Group id for the socket (and a directory it creates); null leaves the group alone. */
  gid: number | null;
}

/**
 * True when the mode lets users outside the socket's group write it, i.e.
 * connect: connect(2) on a Unix socket needs write permission on its file.
 */
export function othersMayWrite(mode: number): boolean {
  return (mode & 0o002) !== 0;
}

/** sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

export function checkSocketPath(path: string): void {
  if (!isAbsolute(path)) {
    throw new AgentError("INVALID_ARGUMENT", `socket path must be absolute: ${path}`, {
      path,
      remedy: "configure an absolute path such as /run/eni-agent/eni-agent.sock",
    });
  }
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new AgentError(
      "INVALID_ARGUMENT",
      `socket path is longer than ${MAX_SOCKET_PATH_BYTES} bytes (the kernel's limit): ${path}`,
      { path, remedy: "choose a shorter socket path" },
    );
  }
}

function fsError(err: unknown, syscall: string, path: string, message: string): AgentError {
  if (isAgentError(err)) return err;
  const errno = (err as NodeJS.ErrnoException).code ?? "EIO";
  const code = errno === "EACCES" || errno === "EPERM" ? "PERMISSION_DENIED" : "INTERNAL";
  return new AgentError(code, `${message}: ${errno}`, { errno, syscall, path, cause: err });
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

async function prepareDirectory(spec: UnixSocketSpec): Promise<void> {
  const dir = dirname(spec.path);
  try {
    await mkdir(dir, { mode: spec.directoryMode });
    // mkdir's mode passes through the umask; set it exactly.
    await chmod(dir, spec.directoryMode);
  } catch (err) {
    if (errnoOf(err) !== "EEXIST")
      throw fsError(err, "mkdir", dir, "cannot create socket directory");
    return checkDirectory(dir);
  }
  await giveGroup(dir, spec.gid, "socket directory");
}

/** An existing socket directory: used as it is, unless a symlink or writable by others. */
async function checkDirectory(dir: string): Promise<void> {
  const st = await lstat(dir).catch((err: unknown) => {
    throw fsError(err, "lstat", dir, "cannot inspect socket directory");
  });
  if (!st.isDirectory()) {
    throw new AgentError("FAILED_PRECONDITION", `socket directory ${dir} is not a directory`, {
      path: dir,
      remedy: "point the socket path into a real directory (not a symlink)",
    });
  }
  if ((st.mode & 0o022) !== 0) {
    throw new AgentError(
      "FAILED_PRECONDITION",
      `socket directory ${dir} is writable by group or others (mode ${(st.mode & 0o7777).toString(8)})`,
      { path: dir, remedy: "use a dedicated directory such as /run/eni-agent" },
    );
  }
}

/** Connects to an existing socket: true when something answers within `timeoutMs`. */
function isAnswering(path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    const timer = setTimeout(() => {
      // A listener that accepts nothing (full backlog) is still alive.
      socket.destroy();
      resolve(true);
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      const errno = errnoOf(err);
      if (errno === "ECONNREFUSED" || errno === "ENOENT") resolve(false);
      else reject(fsError(err, "connect", path, "cannot probe existing socket"));
    });
  });
}

async function clearStaleSocket(path: string, probeTimeoutMs: number): Promise<void> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch (err) {
    if (errnoOf(err) === "ENOENT") return;
    throw fsError(err, "lstat", path, "cannot inspect socket path");
  }
  if (!st.isSocket()) {
    throw new AgentError("FAILED_PRECONDITION", `${path} exists and is not a socket`, {
      path,
      remedy: "remove it by hand, or configure another socket path",
    });
  }
  if (await isAnswering(path, probeTimeoutMs)) {
    throw new AgentError(
      "FAILED_PRECONDITION",
      `another process is serving ${path} (is eni-agent already running?)`,
      { path, remedy: "stop the other instance, or configure another socket path" },
    );
  }
  await unlink(path).catch((err: unknown) => {
    if (errnoOf(err) !== "ENOENT") throw fsError(err, "unlink", path, "cannot remove stale socket");
  });
}

/** Everything before bind: path checks, directory, stale socket. */
export async function prepareUnixSocket(
  spec: UnixSocketSpec,
  probeTimeoutMs: number,
): Promise<void> {
  checkSocketPath(spec.path);
  await prepareDirectory(spec);
  await clearStaleSocket(spec.path, probeTimeoutMs);
}

/**
 * After bind: the socket's mode and group. Returns its inode, to remove only
 * our own file later.
 */
export async function finishUnixSocket(spec: UnixSocketSpec): Promise<number> {
  try {
    await chmod(spec.path, spec.mode);
  } catch (err) {
    throw fsError(err, "chmod", spec.path, "cannot set socket permissions");
  }
  return giveGroup(spec.path, spec.gid, "socket");
}

/**
 * Gives `path` group `gid` when it was not born with it; returns its inode.
 * A file takes the creating process's group (or a setgid directory's), so
 * under the shipped unit (`Group=eni-agent`) the configured group needs no
 * chown(2), which the unit's system call filter (`~@privileged` holds
 * `@chown`) answers with EPERM. A group the process cannot give is a
 * precondition with a remedy.
 */
async function giveGroup(path: string, gid: number | null, what: string): Promise<number> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch (err) {
    throw fsError(err, "lstat", path, `cannot inspect the ${what}`);
  }
  if (gid === null || st.gid === gid) return st.ino;
  try {
    await chown(path, -1, gid);
  } catch (err) {
    const errno = errnoOf(err) ?? "EIO";
    if (errno !== "EPERM" && errno !== "EACCES") {
      throw fsError(err, "chown", path, `cannot set the ${what}'s group`);
    }
    throw new AgentError(
      "FAILED_PRECONDITION",
      `cannot give the ${what} ${path} group ${gid}: the daemon runs as group ${st.gid} and may not change a file's group (${errno})`,
      {
        errno,
        syscall: "chown",
        path,
        remedy:
          "run the daemon with that group (the unit's Group=, in a drop-in), or make the directory setgid to it (chmod g+s), or drop the group key to keep the daemon's",
        cause: err,
      },
    );
  }
  return st.ino;
}

/** Unlinks the socket if it is still the one we bound (same inode). Never throws. */
export async function removeUnixSocket(path: string, ino: number): Promise<void> {
  try {
    if ((await lstat(path)).ino === ino) await unlink(path);
  } catch {
    // Already gone (the runtime may unlink on close) or replaced: nothing to do.
  }
}
