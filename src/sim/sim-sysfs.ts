/**
 * SimSysfs: the Sysfs port on a simulated kernel. Paths walk the computed
 * tree like a real filesystem (links followed in the middle of a path, and
 * at the end except for readlink; more than 40 hops is ELOOP), and errors
 * come from `sysfsError()` with the errno a real kernel gives:
 * - read: ENOENT, EISDIR, EACCES (write-only attribute), or the show()'s errno;
 * - write: open errors (syscall "open": ENOENT, EISDIR, EACCES for read-only
 *   attributes), then the store's errno (syscall "write");
 * - list: ENOENT, ENOTDIR; readlink: ENOENT, EINVAL (not a link);
 * - exists: false for ENOENT/ENOTDIR.
 * Unlike the real adapter, a 0-byte write is accepted and does nothing, as
 * write(2) of 0 bytes does on a real sysfs file.
 */
import { checkPortPath, sysfsError } from "../sysfs/errno.js";
import type { Sysfs } from "../sysfs/sysfs.js";
import { relativeLink, type SimDir, type SimNode } from "./sim-node.js";

/** Longest chain of links a walk follows, like the VFS's MAXSYMLINKS. */
const MAX_LINK_HOPS = 40;

type WalkResult = { node: SimNode; location: string[] } | { errno: string };

/**
 * Resolves a port path against the tree. `location` is the node's canonical
 * path (no links). `followLast` is false only for readlink.
 */
export function walk(root: SimDir, path: string, followLast: boolean): WalkResult {
  let parts = path.split("/");
  let node: SimNode = root;
  let location: string[] = [];
  let hops = 0;
  for (let i = 0; i < parts.length; ) {
    if (node.kind !== "dir") return { errno: "ENOTDIR" };
    const name = parts[i]!;
    const child: SimNode | undefined = node.child(name);
    if (!child) return { errno: "ENOENT" };
    const last = i === parts.length - 1;
    if (child.kind === "link" && (!last || followLast)) {
      if (++hops > MAX_LINK_HOPS) return { errno: "ELOOP" };
      parts = [...child.target, ...parts.slice(i + 1)];
      node = root;
      location = [];
      i = 0;
      continue;
    }
    node = child;
    location.push(name);
    i++;
  }
  return { node, location };
}

/** What SimSysfs needs from the kernel. */
interface SimSysfsBackend {
  /** The tree as of now. */
  root(): SimDir;
  /** Reads through the fault injector. */
  read(path: string): Promise<Uint8Array>;
  /** Writes through the fault injector and the write log. */
  write(path: string, bytes: Uint8Array): Promise<void>;
}

export class SimSysfs implements Sysfs {
  readonly description: string;
  readonly #backend: SimSysfsBackend;

  constructor(backend: SimSysfsBackend, description = "simulated sysfs") {
    this.#backend = backend;
    this.description = description;
  }

  async read(path: string): Promise<string> {
    checkPortPath(path, "read");
    return Buffer.from(await this.#backend.read(path)).toString("utf8");
  }

  async write(path: string, data: string | Uint8Array): Promise<void> {
    checkPortPath(path, "write");
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Uint8Array.from(data);
    await this.#backend.write(path, bytes);
  }

  async readlink(path: string): Promise<string> {
    checkPortPath(path, "readlink");
    const found = walk(this.#backend.root(), path, false);
    if ("errno" in found) throw sysfsError("readlink", path, found.errno);
    if (found.node.kind !== "link") throw sysfsError("readlink", path, "EINVAL");
    return relativeLink(found.location.slice(0, -1), found.node.target);
  }

  async list(path: string): Promise<string[]> {
    checkPortPath(path, "list");
    const found = walk(this.#backend.root(), path, true);
    if ("errno" in found) throw sysfsError("list", path, found.errno);
    if (found.node.kind !== "dir") throw sysfsError("list", path, "ENOTDIR");
    return found.node.entries().sort();
  }

  async exists(path: string): Promise<boolean> {
    checkPortPath(path, "exists");
    const found = walk(this.#backend.root(), path, true);
    if (!("errno" in found)) return true;
    if (found.errno === "ENOENT" || found.errno === "ENOTDIR") return false;
    throw sysfsError("exists", path, found.errno);
  }
}
