/**
 * One walk over every `<procRoot>/<pid>/fd/*` link, shared by every request
 * that arrives while it runs, for the real HolderScanner.
 *
 * Why it is built this way (numbers in BENCHMARKS.md, holder scan):
 * - Synchronous reads in short slices. A readlink through libuv's thread pool
 *   costs a pool round trip on top of the system call, several times the call
 *   itself here; synchronous calls run at the machine's floor. The walk reads
 *   for at most `sliceMs` and then yields to the event loop, so the daemon
 *   stays responsive. procfs fd links and directories take no lock that waits
 *   on another process (unlike `cmdline`, which is never read here).
 * - Shared, circular. Concurrent requests (eight restores of a termination
 *   plan, a listing) ride one walk instead of each reading every process:
 *   a request joins at the walk's current position, after the process list
 *   is read again and new pids are appended, and is complete when the walk
 *   comes back round to where it joined. Every process a request answers for
 *   was read after the request was made.
 * - Bounded. A request stops at its first holder when that is all it asks,
 *   and gives up at its deadline with what it read.
 *
 * Processes that exit mid-walk, and those an unprivileged caller may not read
 * (ENOENT, ESRCH, EACCES, EPERM, ENOTDIR), are skipped. Only a failure to list
 * `<procRoot>` itself, or an unexpected errno, fails the requests.
 */
import { readdirSync, readlinkSync } from "node:fs";
import type { AgentError } from "../common/index.js";
import { sysfsError } from "./errno.js";

export interface WalkRequest {
  nodes: ReadonlySet<string>;
  firstOnly: boolean;
  /** Absolute time on the walk's clock; Infinity for none. */
  deadline: number;
}

export interface WalkAnswer {
  /** Processes holding a requested node, one entry per process and node. */
  found: { pid: number; node: string }[];
  /** False when the request stopped early (first holder, deadline). */
  complete: boolean;
  read: number;
  listed: number;
}

export interface FdWalkOptions {
  procRoot: string;
  /** Monotonic milliseconds. */
  now: () => number;
  /** Longest synchronous stretch before yielding to the event loop, in ms. */
  sliceMs: number;
}

interface Active {
  request: WalkRequest;
  /** Position in the pid list where it joined; complete when the walk is back there. */
  start: number;
  wrapped: boolean;
  read: number;
  found: { pid: number; node: string }[];
  resolve: (answer: WalkAnswer) => void;
  reject: (err: AgentError) => void;
}

/** One process being read: its fd names and how far the walk got. */
interface Visit {
  pid: string;
  fdDir: string;
  fds: string[];
  next: number;
  /** Requested nodes it holds; null until it holds one. */
  held: Set<string> | null;
}

/** Links read between two looks at the clock. */
const CLOCK_EVERY = 32;
const VANISHED_OR_PRIVATE = new Set(["ENOENT", "ESRCH", "EACCES", "EPERM", "ENOTDIR"]);

export class FdWalk {
  readonly #options: FdWalkOptions;
  #pids: string[] = [];
  #known = new Set<string>();
  #cursor = 0;
  /** Requests the current visit counts for. */
  readonly #active = new Set<Active>();
  /** Requests that arrived during a visit; they start at the next process. */
  #joining: Active[] = [];
  /** The union of the active requests' nodes. */
  #wanted = new Set<string>();
  #visit: Visit | null = null;
  #running = false;

  constructor(options: FdWalkOptions) {
    this.#options = options;
  }

  /** Throws AgentError when `<procRoot>` cannot be listed. */
  request(request: WalkRequest): Promise<WalkAnswer> {
    if (!this.#running) {
      this.#pids = [];
      this.#known.clear();
      this.#cursor = 0;
    }
    this.#refresh();
    return new Promise<WalkAnswer>((resolve, reject) => {
      this.#joining.push({
        request,
        start: 0,
        wrapped: false,
        read: 0,
        found: [],
        resolve,
        reject,
      });
      if (!this.#running) {
        this.#running = true;
        void this.#run();
      }
    });
  }

  /** Appends pids not seen yet, in ascending order (the order procfs lists them). */
  #refresh(): void {
    let names: string[];
    try {
      names = readdirSync(this.#options.procRoot);
    } catch (err) {
      throw sysfsError("list", this.#options.procRoot, errnoOf(err), err);
    }
    const fresh = names.filter((name) => /^[0-9]+$/.test(name) && !this.#known.has(name));
    fresh.sort((a, b) => Number(a) - Number(b));
    for (const pid of fresh) {
      this.#known.add(pid);
      this.#pids.push(pid);
    }
  }

  async #run(): Promise<void> {
    try {
      // Start on the next turn of the event loop: requests made in the same
      // turn (parallel restores) then share the walk from its first process.
      while (this.#active.size > 0 || this.#joining.length > 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.#slice();
      }
    } catch (err) {
      const failure = err as AgentError;
      for (const a of [...this.#active, ...this.#joining]) a.reject(failure);
      this.#active.clear();
      this.#joining = [];
    } finally {
      this.#visit = null;
      this.#running = false;
    }
  }

  /** Reads until the slice is used up or nobody waits any more. */
  #slice(): void {
    const { now, sliceMs } = this.#options;
    const started = now();
    const until = started + sliceMs;
    this.#expire(started);
    let links = 0;
    for (;;) {
      if (this.#visit === null) {
        this.#admit();
        if (this.#active.size === 0) return;
        this.#visit = this.#open(this.#pids[this.#cursor]!);
      }
      const visit = this.#visit;
      while (visit.next < visit.fds.length && links < CLOCK_EVERY) {
        // The hot loop: one readlink per descriptor, no closure, no promise.
        let target: string | undefined;
        try {
          target = readlinkSync(`${visit.fdDir}/${visit.fds[visit.next]}`);
        } catch (err) {
          // One descriptor closed: the others may still be open. Denied or
          // gone: so is every other descriptor of the process (the check is
          // per process), and each refusal would cost an exception.
          if (!skipIfVanished(err)) visit.next = visit.fds.length;
        }
        if (target !== undefined && this.#wanted.has(target)) {
          visit.held ??= new Set();
          visit.held.add(target);
        }
        visit.next += 1;
        links += 1;
      }
      if (visit.next >= visit.fds.length) {
        this.#finishVisit(visit);
        links += 1;
      }
      if (links >= CLOCK_EVERY) {
        links = 0;
        const t = now();
        this.#expire(t);
        if (t >= until) return;
      }
      if (this.#active.size === 0 && this.#joining.length === 0) return;
    }
  }

  #open(pid: string): Visit {
    const fdDir = `${this.#options.procRoot}/${pid}/fd`;
    let fds: string[] = [];
    try {
      fds = readdirSync(fdDir);
    } catch (err) {
      skipIfVanished(err);
    }
    return { pid, fdDir, fds, next: 0, held: null };
  }

  /** Requests that arrived during the last visit start here. */
  #admit(): void {
    if (this.#joining.length === 0) return;
    if (this.#cursor >= this.#pids.length) this.#cursor = 0;
    for (const a of this.#joining) {
      a.start = this.#cursor;
      this.#active.add(a);
    }
    this.#joining = [];
    this.#rebuildWanted();
    // Nothing to read at all: every request is trivially complete.
    if (this.#pids.length === 0) {
      for (const a of [...this.#active]) this.#settle(a, true);
    }
  }

  #finishVisit(visit: Visit): void {
    this.#visit = null;
    const pid = Number(visit.pid);
    this.#cursor += 1;
    const wrapped = this.#cursor >= this.#pids.length;
    if (wrapped) this.#cursor = 0;
    const done: [Active, boolean][] = [];
    for (const a of this.#active) {
      a.read += 1;
      if (visit.held !== null) {
        for (const node of visit.held) {
          if (a.request.nodes.has(node)) a.found.push({ pid, node });
        }
      }
      if (wrapped) a.wrapped = true;
      if (a.request.firstOnly && a.found.length > 0) done.push([a, false]);
      else if (a.wrapped && this.#cursor >= a.start) done.push([a, true]);
    }
    for (const [a, complete] of done) this.#settle(a, complete);
  }

  #expire(t: number): void {
    for (const a of [...this.#active, ...this.#joining]) {
      if (t >= a.request.deadline) this.#settle(a, false);
    }
  }

  #settle(a: Active, complete: boolean): void {
    this.#active.delete(a);
    this.#joining = this.#joining.filter((j) => j !== a);
    this.#rebuildWanted();
    a.resolve({ found: a.found, complete, read: a.read, listed: this.#pids.length });
  }

  #rebuildWanted(): void {
    this.#wanted = new Set([...this.#active].flatMap((a) => [...a.request.nodes]));
  }
}

/**
 * Returns when the process or descriptor vanished or is not ours to read
 * (true for a descriptor that closed, ENOENT); throws otherwise.
 */
function skipIfVanished(err: unknown): boolean {
  const errno = errnoOf(err);
  if (!VANISHED_OR_PRIVATE.has(errno)) throw sysfsError("read", pathOf(err), errno, err);
  return errno === "ENOENT";
}

function errnoOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "EIO";
}

function pathOf(err: unknown): string {
  const path = (err as { path?: unknown } | null)?.path;
  return typeof path === "string" ? path : "?";
}
