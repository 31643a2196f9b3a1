/**
 * The real Sysfs adapter: the port on a directory tree, by default `/sys`.
 * Tests and benchmarks root it at a temporary directory (a materialized
 * simulated host), so no test ever needs the real `/sys` to write.
 *
 * It uses the callback API of node:fs rather than FileHandle: an inventory of
 * a thousand devices makes ~15,000 calls, and the callback path costs about
 * half as much per call.
 *
 * Only what can wait on a driver goes through libuv's thread pool: a write
 * (it runs probe or remove), and the read of an attribute whose show
 * function may sleep on a lock. `driver_override` shows under the device
 * lock, which a driver's probe or remove holds, and vfio-pci's remove waits
 * until user space closes the device; `uevent` did too on kernels between
 * mid-2024 and 6.11 ("Synchronize with really_probe()" in uevent_show), and
 * a netdev's `address` waits for a MAC change in newer kernels; any
 * attribute not named below is treated the same. A daemon must not freeze
 * its event loop on those.
 *
 * Everything else is a synchronous system call, which costs a fraction of a
 * pool round trip: listing a directory, reading a link, opening and closing
 * an attribute are kernfs operations that never call into a driver (the
 * store or show runs in write(2) or read(2)), and the attributes in
 * LOCK_FREE_ATTRIBUTES print fields without taking a sleeping lock. A
 * one-shot command (`eni-agent status`) sets `blockingReads`, and then every
 * read is synchronous: it has nothing else to do meanwhile.
 */
import * as fs from "node:fs";
import { basename, resolve } from "node:path";
import { AgentError } from "../common/index.js";
import { checkPortPath, type SysfsOperation, sysfsError } from "./errno.js";
import type { Sysfs } from "./sysfs.js";

export interface RealSysfsOptions {
  /** Directory that stands for `/sys`. Default "/sys". */
  root?: string;
  /**
   * Read every attribute with synchronous system calls, those that may wait
   * on the device lock included (still returning promises). Only for
   * one-shot commands; default false.
   */
  blockingReads?: boolean;
}

/**
 * First read size. Most attributes are a few bytes; below 4 KiB Buffer takes
 * the memory from its shared pool, which spares the garbage collector one
 * 4 KiB allocation per read (a third of an inventory's time at 1,000 devices).
 */
const READ_CHUNK_BYTES = 512;

/**
 * Attributes whose show function prints a field without a sleeping lock,
 * read synchronously even by the daemon: the PCI config fields cached at
 * enumeration (`vendor`, `device`, `subsystem_*`, `class`, `revision`),
 * `numa_node`, `enable` (an atomic counter), an IOMMU group's `name`, and a
 * netdev's `mtu` and `operstate` (under the dev_base_lock rwlock in older
 * kernels, RCU or READ_ONCE in newer ones). Not here on purpose:
 * `driver_override` and `uevent` (the device lock), a netdev's `address`
 * (newer kernels take dev_addr_sem, which a MAC change holds while the
 * driver applies it), and `carrier`, `speed` and the like (RTNL).
 */
const LOCK_FREE_ATTRIBUTES: ReadonlySet<string> = new Set([
  "vendor",
  "device",
  "subsystem_vendor",
  "subsystem_device",
  "class",
  "revision",
  "numa_node",
  "enable",
  "name",
  "mtu",
  "operstate",
]);

export class RealSysfs implements Sysfs {
  readonly root: string;
  readonly description: string;
  readonly blockingReads: boolean;

  constructor(options: RealSysfsOptions = {}) {
    this.root = resolve(options.root ?? "/sys");
    this.blockingReads = options.blockingReads ?? false;
    this.description = `sysfs at ${this.root}`;
  }

  async read(path: string): Promise<string> {
    const abs = this.resolve(path, "read");
    if (this.blockingReads || LOCK_FREE_ATTRIBUTES.has(basename(path))) {
      return blocking("read", path, () => readAllSync(abs));
    }
    const fd = blocking("read", path, () => fs.openSync(abs, fs.constants.O_RDONLY));
    try {
      return await readAll(fd, path);
    } finally {
      closeQuietly(fd);
    }
  }

  async write(path: string, data: string | Uint8Array): Promise<void> {
    const abs = this.resolve(path, "write");
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    if (bytes.byteLength === 0) {
      // A 0-byte write(2) returns 0 without reaching the kernel's store, so an
      // empty "clear" would look like success and change nothing.
      throw new AgentError("INVALID_ARGUMENT", `write ${path}: refusing a 0-byte write`, {
        syscall: "write",
        path,
      });
    }
    // O_WRONLY without O_CREAT/O_TRUNC: a wrong path fails (ENOENT) instead of
    // creating a file, and sysfs sees exactly the one store below.
    const fd = blocking("open", path, () => fs.openSync(abs, fs.constants.O_WRONLY));
    let written: number;
    try {
      written = await call<number>("write", path, (cb) =>
        fs.write(fd, bytes, 0, bytes.byteLength, null, cb),
      );
    } finally {
      // The store ran in write(2) and answered there.
      closeQuietly(fd);
    }
    if (written !== bytes.byteLength) {
      // The kernel consumed only part of the payload: the store saw a
      // truncated value. Never retry the rest; report it.
      throw sysfsError(
        "write",
        path,
        "EIO",
        `short write: ${written} of ${bytes.byteLength} bytes`,
      );
    }
  }

  async readlink(path: string): Promise<string> {
    const abs = this.resolve(path, "readlink");
    return blocking("readlink", path, () => fs.readlinkSync(abs));
  }

  async list(path: string): Promise<string[]> {
    const abs = this.resolve(path, "list");
    return blocking("list", path, () => fs.readdirSync(abs).sort());
  }

  async exists(path: string): Promise<boolean> {
    const abs = this.resolve(path, "exists");
    try {
      blocking("exists", path, () => fs.accessSync(abs, fs.constants.F_OK));
      return true;
    } catch (err) {
      if (err instanceof AgentError && (err.errno === "ENOENT" || err.errno === "ENOTDIR")) {
        return false;
      }
      throw err;
    }
  }

  private resolve(path: string, operation: SysfsOperation): string {
    checkPortPath(path, operation);
    return `${this.root === "/" ? "" : this.root}/${path}`;
  }
}

/**
 * Reads until a short read. sysfs produces a whole attribute in its first
 * read, and a short read from a regular file means end of file, so the usual
 * extra read that waits for 0 bytes is skipped.
 */
async function readAll(fd: number, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for (;;) {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    const n = await call<number>("read", path, (cb) =>
      fs.read(fd, buffer, 0, READ_CHUNK_BYTES, null, cb),
    );
    chunks.push(buffer.subarray(0, n));
    if (n < READ_CHUNK_BYTES) break;
  }
  return chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
}

/** readAll's synchronous twin, for blockingReads. */
function readAllSync(abs: string): string {
  const fd = fs.openSync(abs, fs.constants.O_RDONLY);
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      const n = fs.readSync(fd, buffer, 0, READ_CHUNK_BYTES, null);
      chunks.push(buffer.subarray(0, n));
      if (n < READ_CHUNK_BYTES) break;
    }
    return chunks.length === 1
      ? chunks[0]!.toString("utf8")
      : Buffer.concat(chunks).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs a synchronous fs call and maps its errno into the port's typed error. */
function blocking<T>(operation: SysfsOperation, path: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw sysfsError(operation, path, (err as NodeJS.ErrnoException).code ?? "EIO", err);
  }
}

type Callback<T> = (err: NodeJS.ErrnoException | null, value?: T) => void;

/** Runs one callback-style fs call and maps its errno into the port's typed error. */
function call<T>(
  operation: SysfsOperation,
  path: string,
  start: (cb: Callback<T>) => void,
): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    start((err, value) => {
      if (err) reject(sysfsError(operation, path, err.code ?? "EIO", err));
      else resolvePromise(value as T);
    });
  });
}

/**
 * Closing an attribute calls no driver and reports nothing the read or
 * write did not: a synchronous close(2), not one more pool round trip.
 */
function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Nothing to report: the read or write already answered.
  }
}
