/**
 * The path every port read and write takes through the simulated kernel:
 * the fault injector first, then open semantics (ENOENT, EISDIR, EACCES on
 * the wrong direction), then the attribute's show() or store(), with the
 * page cap and 0-byte rule of kernfs. Every write lands in the write log.
 */
import { sysfsError } from "../sysfs/errno.js";
import type { FaultInjector } from "./fault-injector.js";
import { PAGE_SIZE } from "./kernel-text.js";
import type { SimDir } from "./sim-node.js";
import { walk } from "./sim-sysfs.js";

/** One write through the port, as the kernel saw it. */
export interface SimWriteRecord {
  /** 1-based, in the order writes were issued; never reused, also across clears. */
  seq: number;
  /** The port path as written (may go through links). */
  path: string;
  /** The attribute's real path once opened, e.g. "bus/pci/drivers/ena/unbind"; null if it never opened. */
  target: string | null;
  /** The exact bytes, one Latin-1 character per byte. */
  data: string;
  /** "pending" while the write waits (blocked, delayed), then "OK" or the errno name. */
  result: string;
  /** The fault injector, not the kernel, produced the result. */
  injected: boolean;
  /** Wall-clock time the write was issued (ms since the epoch). */
  atMs: number;
}

export class PortPipeline {
  readonly #faults: FaultInjector;
  readonly #root: () => SimDir;
  readonly #touch: () => void;
  readonly #log: SimWriteRecord[] = [];
  #seq = 0;

  /** `touch` records a state change after a store ran (and again when a waiting store finishes). */
  constructor(faults: FaultInjector, root: () => SimDir, touch: () => void) {
    this.#faults = faults;
    this.#root = root;
    this.#touch = touch;
  }

  /** Every write since the last clear, oldest first. */
  log(): readonly Readonly<SimWriteRecord>[] {
    return this.#log;
  }

  clearLog(): void {
    this.#log.length = 0;
  }

  async read(path: string): Promise<Uint8Array> {
    const decision = this.#faults.decide("read", path, null);
    if (decision.kind === "fail") throw sysfsError("read", path, decision.errno);
    if (decision.kind === "wait") await decision.until;
    const found = walk(this.#root(), path, true);
    if ("errno" in found) throw sysfsError("read", path, found.errno);
    if (found.node.kind === "dir") throw sysfsError("read", path, "EISDIR");
    if (found.node.kind !== "file" || !found.node.show) throw sysfsError("read", path, "EACCES");
    const shown = await found.node.show();
    if (typeof shown === "string") return Buffer.from(shown, "utf8");
    if (shown instanceof Uint8Array) return shown;
    throw sysfsError("read", path, shown.errno);
  }

  async write(path: string, bytes: Uint8Array): Promise<void> {
    const record: SimWriteRecord = {
      seq: ++this.#seq,
      path,
      target: null,
      data: Buffer.from(bytes).toString("latin1"),
      result: "pending",
      injected: false,
      atMs: Date.now(),
    };
    this.#log.push(record);
    const fail = (syscall: "open" | "write", errno: string): never => {
      record.result = errno;
      throw sysfsError(syscall, path, errno);
    };
    const decision = this.#faults.decide("write", path, bytes);
    if (decision.kind === "fail") {
      record.injected = true;
      fail("write", decision.errno);
    }
    if (decision.kind === "wait") await decision.until;
    const found = walk(this.#root(), path, true);
    if ("errno" in found) return fail("open", found.errno);
    if (found.node.kind === "dir") return fail("open", "EISDIR");
    if (found.node.kind !== "file" || !found.node.store) return fail("open", "EACCES");
    record.target = found.location.join("/");
    // write(2) of 0 bytes returns 0 without calling the store.
    if (bytes.length === 0) {
      record.result = "OK";
      return;
    }
    // kernfs hands the store at most one page.
    const seen = bytes.length > PAGE_SIZE ? bytes.subarray(0, PAGE_SIZE) : bytes;
    let outcome = found.node.store(seen);
    this.#touch();
    if (outcome instanceof Promise) {
      outcome = await outcome;
      this.#touch();
    }
    if (outcome !== null) return fail("write", outcome);
    // The store consumed one page of a longer write: a short write, which
    // the real adapter reports as EIO.
    if (bytes.length > PAGE_SIZE) return fail("write", "EIO");
    record.result = "OK";
  }
}
