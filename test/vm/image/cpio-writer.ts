import { closeSync, openSync, writeSync } from "node:fs";
import { posix } from "node:path";

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

/**
 * Writes an uncompressed "newc" cpio archive, the format the kernel unpacks
 * as an initramfs. Parents are emitted before their children because the
 * kernel's unpacker does not create missing directories. Timestamps and
 * owners are zero so that equal inputs give byte-identical archives.
 */
export class CpioWriter {
  readonly #fd: number;
  readonly #dirs = new Set<string>(["", "."]);
  readonly #names = new Set<string>();
  #offset = 0;
  #inode = 1;
  #closed = false;

  constructor(path: string) {
    this.#fd = openSync(path, "w", 0o644);
  }

  /** Adds a directory (and its missing parents). Idempotent. */
  dir(path: string, mode = 0o755): void {
    const name = normalize(path);
    if (this.#dirs.has(name)) return;
    this.dir(posix.dirname(name));
    this.#dirs.add(name);
    this.#entry(name, S_IFDIR | mode, 2, Buffer.alloc(0));
  }

  /** Adds a regular file with the given content and permission bits. */
  file(path: string, data: Uint8Array, mode = 0o644): void {
    const name = normalize(path);
    this.dir(posix.dirname(name));
    this.#entry(name, S_IFREG | mode, 1, data);
  }

  /** Adds a symbolic link pointing at `target` (stored verbatim). */
  symlink(path: string, target: string): void {
    const name = normalize(path);
    this.dir(posix.dirname(name));
    this.#entry(name, S_IFLNK | 0o777, 1, Buffer.from(target));
  }

  /**
   * Adds a character device node. The kernel opens /dev/console on the
   * rootfs for /init's stdio before /init can mount devtmpfs, so the
   * archive must carry that node itself.
   */
  charDevice(path: string, major: number, minor: number, mode = 0o600): void {
    const name = normalize(path);
    this.dir(posix.dirname(name));
    this.#entry(name, S_IFCHR | mode, 1, Buffer.alloc(0), this.#inode++, [major, minor]);
  }

  /** True when a file, link or directory of that name was already added. */
  has(path: string): boolean {
    const name = normalize(path);
    return this.#dirs.has(name) || this.#names.has(name);
  }

  /** Writes the trailer and closes the file; returns the archive size in bytes. */
  close(): number {
    if (this.#closed) return this.#offset;
    this.#entry("TRAILER!!!", 0, 1, Buffer.alloc(0), 0);
    closeSync(this.#fd);
    this.#closed = true;
    return this.#offset;
  }

  #entry(
    name: string,
    mode: number,
    nlink: number,
    data: Uint8Array,
    inode = this.#inode++,
    rdev: [number, number] = [0, 0],
  ) {
    if (this.#closed) throw new Error("cpio archive already closed");
    if (this.#names.has(name)) throw new Error(`cpio: duplicate entry ${name}`);
    this.#names.add(name);
    const nameBytes = Buffer.from(`${name}\0`);
    // ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
    const fields = [inode, mode, 0, 0, nlink, 0, data.length, 0, 0, ...rdev, nameBytes.length, 0];
    const header = `070701${fields.map((n) => n.toString(16).padStart(8, "0")).join("")}`;
    this.#write(Buffer.from(header, "ascii"));
    this.#write(nameBytes);
    this.#pad();
    this.#write(data);
    this.#pad();
  }

  #write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.#fd, bytes, done);
    this.#offset += bytes.length;
  }

  #pad(): void {
    const rest = (4 - (this.#offset % 4)) % 4;
    if (rest > 0) this.#write(Buffer.alloc(rest));
  }
}

/** Archive names are relative ("usr/bin/node"), without "./" or a leading slash. */
function normalize(path: string): string {
  const name = posix.normalize(path).replace(/^\/+/, "").replace(/\/+$/, "");
  if (name === ".") return "";
  if (name.startsWith("..")) throw new Error(`cpio: path escapes the archive: ${path}`);
  return name;
}
