/**
 * kubelet's device plugin directory, created when missing (mode 0750, as
 * kubelet creates it at start), so that the plugin can watch it from before
 * kubelet's first start: a watch on a directory that does not exist yet
 * never sees kubelet.sock appear. A path that exists and is not a
 * directory is refused.
 */
import type { Stats } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { AgentError } from "../common/index.js";

export async function ensurePluginDirectory(directory: string): Promise<void> {
  let st: Stats;
  try {
    // EEXIST here is a file in the way, refused below as what it is.
    await mkdir(directory, { recursive: true, mode: 0o750 }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    });
    // stat, not lstat: a directory reached through a symlink is kubelet's too.
    st = await stat(directory);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code ?? "EIO";
    throw new AgentError("UNAVAILABLE", `cannot create ${directory}: ${errno}`, {
      errno,
      syscall: (err as NodeJS.ErrnoException).syscall ?? "mkdir",
      path: directory,
      remedy: "mount kubelet's device plugin directory into the agent",
      cause: err,
    });
  }
  if (!st.isDirectory()) {
    throw new AgentError("FAILED_PRECONDITION", `${directory} is not a directory`, {
      path: directory,
      remedy: "point devicePlugin.directory at kubelet's device plugin directory",
    });
  }
}
