/**
 * The real HolderScanner: which processes hold given device nodes open, found
 * the way fuser does it, by reading every `<procRoot>/<pid>/fd/*` link.
 *
 * Processes come and go during a scan, and an unprivileged caller cannot read
 * other users' fd tables: ENOENT, ESRCH, EACCES and EPERM on one process skip
 * that process. Only a failure to list `<procRoot>` itself throws.
 */
import { readdir, readFile, readlink } from "node:fs/promises";
import { resolve } from "node:path";
import { sysfsError } from "./errno.js";
import type { DeviceHolder, HolderScanner } from "./sysfs.js";

export interface RealHolderScannerOptions {
  /** Directory that stands for `/proc`. Default "/proc". */
  procRoot?: string;
}

export class RealHolderScanner implements HolderScanner {
  readonly procRoot: string;

  constructor(options: RealHolderScannerOptions = {}) {
    this.procRoot = resolve(options.procRoot ?? "/proc");
  }

  /**
   * Holders of `nodes` (absolute paths as the fd links show them, e.g.
   * "/dev/vfio/noiommu-0"), one entry per process and node, sorted by pid.
   * A link to a node that was deleted reads "<path> (deleted)" and does not
   * match: that descriptor belongs to a device instance that no longer exists.
   */
  async holders(nodes: readonly string[]): Promise<DeviceHolder[]> {
    if (nodes.length === 0) return [];
    const wanted = new Set(nodes);
    let entries: string[];
    try {
      entries = await readdir(this.procRoot);
    } catch (err) {
      throw sysfsError("list", this.procRoot, errnoOf(err), err);
    }
    const pids = entries.filter((name) => /^[0-9]+$/.test(name));
    const perProcess = await Promise.all(pids.map((pid) => this.scanProcess(pid, wanted)));
    return perProcess.flat().sort((a, b) => a.pid - b.pid || a.node.localeCompare(b.node));
  }

  private async scanProcess(pid: string, wanted: ReadonlySet<string>): Promise<DeviceHolder[]> {
    const fdDir = `${this.procRoot}/${pid}/fd`;
    const fds = await tolerant(readdir(fdDir));
    if (!fds) return [];
    const targets = await Promise.all(fds.map((fd) => tolerant(readlink(`${fdDir}/${fd}`))));
    const held = new Set<string>();
    for (const target of targets) {
      if (target !== undefined && wanted.has(target)) held.add(target);
    }
    if (held.size === 0) return [];
    const command = await this.command(pid);
    return [...held].map((node) => ({ pid: Number(pid), command, node }));
  }

  /** `comm` (the kernel's 15-byte name), else argv[0] from `cmdline`, else "?". */
  private async command(pid: string): Promise<string> {
    const comm = await tolerant(readFile(`${this.procRoot}/${pid}/comm`, "utf8"));
    if (comm?.trim()) return comm.trim();
    const cmdline = await tolerant(readFile(`${this.procRoot}/${pid}/cmdline`, "utf8"));
    const argv0 = cmdline?.split("\0")[0];
    return argv0 ? argv0 : "?";
  }
}

const VANISHED_OR_PRIVATE = new Set(["ENOENT", "ESRCH", "EACCES", "EPERM", "ENOTDIR"]);

/** The value, or undefined when the process vanished or is not ours to read. */
async function tolerant<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (err) {
    if (VANISHED_OR_PRIVATE.has(errnoOf(err))) return undefined;
    throw sysfsError("read", pathOf(err), errnoOf(err), err);
  }
}

function errnoOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "EIO";
}

function pathOf(err: unknown): string {
  const path = (err as { path?: unknown } | null)?.path;
  return typeof path === "string" ? path : "?";
}
