/**
 * The real HolderScanner: which processes hold given device nodes open, found
 * the way fuser does it, by reading every `<procRoot>/<pid>/fd/*` link (see
 * fd-walk.ts for how the walk is bounded and shared).
 *
 * Processes come and go during a scan, and an unprivileged caller cannot read
 * other users' fd tables: those are skipped. Only a failure to list
 * `<procRoot>` itself throws.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { FdWalk } from "./fd-walk.js";
import type { DeviceHolder, HolderScan, HolderScanner, HolderScanOptions } from "./sysfs.js";

export interface RealHolderScannerOptions {
  /** Directory that stands for `/proc`. Default "/proc". */
  procRoot?: string;
  /** Longest synchronous stretch of reading before yielding to the event loop. Default 5 ms. */
  sliceMs?: number;
  /** Monotonic milliseconds (tests make time pass with it). Default performance.now. */
  now?: () => number;
}

export class RealHolderScanner implements HolderScanner {
  readonly procRoot: string;
  readonly #walk: FdWalk;
  readonly #now: () => number;

  constructor(options: RealHolderScannerOptions = {}) {
    this.procRoot = resolve(options.procRoot ?? "/proc");
    this.#now = options.now ?? (() => performance.now());
    this.#walk = new FdWalk({
      procRoot: this.procRoot,
      now: this.#now,
      sliceMs: options.sliceMs ?? 5,
    });
  }

  /**
   * Holders of `nodes` (absolute paths as the fd links show them, e.g.
   * "/dev/vfio/noiommu-0"), one entry per process and node, sorted by pid.
   * A link to a node that was deleted reads "<path> (deleted)" and does not
   * match: that descriptor belongs to a device instance that no longer exists.
   */
  async holders(nodes: readonly string[]): Promise<DeviceHolder[]> {
    const found = await this.scan(nodes);
    return found.status === "held" ? found.holders : [];
  }

  async scan(nodes: readonly string[], options: HolderScanOptions = {}): Promise<HolderScan> {
    if (nodes.length === 0) return { status: "free", read: 0, listed: 0 };
    const started = this.#now();
    const answer = await this.#walk.request({
      nodes: new Set(nodes),
      firstOnly: options.firstOnly ?? false,
      deadline:
        options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : started + options.timeoutMs,
    });
    const { read, listed } = answer;
    if (answer.found.length > 0) {
      const commands = new Map<number, Promise<string>>();
      for (const { pid } of answer.found) {
        if (!commands.has(pid)) commands.set(pid, this.#command(pid));
      }
      const holders = await Promise.all(
        answer.found.map(async ({ pid, node }) => ({
          pid,
          command: await commands.get(pid)!,
          node,
        })),
      );
      holders.sort((a, b) => a.pid - b.pid || a.node.localeCompare(b.node));
      return { status: "held", holders, read, listed };
    }
    if (answer.complete) return { status: "free", read, listed };
    return { status: "unproven", read, listed, elapsedMs: this.#now() - started };
  }

  /** `comm` (the kernel's 15-byte name), else argv[0] from `cmdline`, else "?". */
  async #command(pid: number): Promise<string> {
    const comm = await quiet(readFile(`${this.procRoot}/${pid}/comm`, "utf8"));
    if (comm?.trim()) return comm.trim();
    const cmdline = await quiet(readFile(`${this.procRoot}/${pid}/cmdline`, "utf8"));
    const argv0 = cmdline?.split("\0")[0];
    return argv0 ? argv0 : "?";
  }
}

/** A holder's name is for people: any failure to read it leaves it unknown. */
async function quiet<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch {
    return undefined;
  }
}
