/**
 * Sysfs writes with a deadline and a bound on how many may be in flight.
 *
 * Some writes block in the kernel: unbinding a vfio-pci device whose device
 * fd a DPDK process holds waits until the fd is closed, possibly forever; an
 * unbind of a busy netdev can take long too. Node's fs promises run write(2)
 * on the libuv threadpool (UV_THREADPOOL_SIZE, 4 by default, shared with
 * every other fs call, dns.lookup and crypto). A blocked write holds its
 * thread until the kernel returns, and nothing can cancel it.
 *
 * So the gate (1) gives up waiting at the deadline and reports the write
 * "stuck" (the thread stays taken; the caller marks the device STUCK), and
 * (2) lets at most `maxInFlight` writes hold a thread at once, stuck ones
 * included, so stuck writes can never take every thread: the entry point sets
 * UV_THREADPOOL_SIZE above `maxInFlight` (the daemon: 16 threads, 8 writes),
 * and journal I/O, reads and the API keep the rest. A write that cannot get
 * a slot before its deadline fails with DEADLINE_EXCEEDED without starting.
 */
import { AgentError, type PciAddress } from "../common/index.js";
import type { Sysfs } from "../sysfs/sysfs.js";
import type { Clock } from "./clock.js";

export interface WriteGateOptions {
  /** Writes that may hold a threadpool thread at once, stuck ones included. Default 8. */
  maxInFlight?: number;
  /** Deadline of one write, slot wait included, in ms. Default 30 000. */
  timeoutMs?: number;
}

export interface GateWrite {
  device: PciAddress;
  path: string;
  data: string;
}

/**
 * "done": the kernel answered in time. "stuck": the write started and did not
 * return by the deadline; `settled` resolves (with the kernel's error, or
 * null) when it finally returns.
 */
export type GateResult =
  | { kind: "done" }
  | { kind: "stuck"; error: AgentError; settled: Promise<AgentError | null> };

export class WriteGate {
  readonly maxInFlight: number;
  readonly timeoutMs: number;
  readonly #sysfs: Sysfs;
  readonly #clock: Clock;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(deps: { sysfs: Sysfs; clock: Clock }, options: WriteGateOptions = {}) {
    this.#sysfs = deps.sysfs;
    this.#clock = deps.clock;
    this.maxInFlight = options.maxInFlight ?? 8;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Writes in flight now, stuck ones included. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Throws the write's AgentError (errno set) or DEADLINE_EXCEEDED when no slot freed in time. */
  async write(request: GateWrite): Promise<GateResult> {
    let expire: () => void = () => undefined;
    const expired = new Promise<"expired">((resolve) => {
      expire = () => resolve("expired");
    });
    // A plain cancellable timer: an AbortController per write cost a tenth
    // of a move's CPU in a software-emulated guest.
    const cancelTimer = this.#clock.after(this.timeoutMs, expire);
    let leave: (() => void) | null = null;
    try {
      if (this.#inFlight < this.maxInFlight) {
        this.#inFlight += 1;
      } else {
        const turn = this.#queue();
        leave = turn.leave;
        const slot = await Promise.race([turn.granted, expired]);
        if (slot === "expired") throw this.#noSlot(request);
        leave = null;
      }
      const write = this.#sysfs.write(request.path, request.data);
      const settled = write.then(
        () => null,
        (err: unknown) => err as AgentError,
      );
      void settled.finally(() => this.#release());
      const first = await Promise.race([write.then(() => "done" as const), expired]);
      if (first === "done") return { kind: "done" };
      return { kind: "stuck", error: this.#stuckError(request), settled };
    } finally {
      cancelTimer();
      leave?.();
    }
  }

  /**
   * A place in the queue for a slot. `leave()` gives it up; a slot that was
   * handed over in the meantime goes to the next in line.
   */
  #queue(): { granted: Promise<"granted">; leave: () => void } {
    let handedOver = false;
    let grant: () => void = () => undefined;
    const granted = new Promise<"granted">((resolve) => {
      grant = () => {
        handedOver = true;
        resolve("granted");
      };
    });
    this.#waiting.push(grant);
    const leave = (): void => {
      const i = this.#waiting.indexOf(grant);
      if (i >= 0) this.#waiting.splice(i, 1);
      else if (handedOver) this.#release();
    };
    return { granted, leave };
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#inFlight -= 1;
  }

  #noSlot(request: GateWrite): AgentError {
    return new AgentError(
      "DEADLINE_EXCEEDED",
      `write to ${request.path} not started within ${this.timeoutMs} ms: ` +
        `${this.maxInFlight} sysfs writes are still blocked in the kernel`,
      {
        device: request.device,
        path: request.path,
        syscall: "write",
        remedy:
          "see eni-agent ops for stuck operations and stop the processes holding those devices",
      },
    );
  }

  #stuckError(request: GateWrite): AgentError {
    return new AgentError(
      "DEADLINE_EXCEEDED",
      `write ${JSON.stringify(request.data)} to ${request.path} did not return within ` +
        `${this.timeoutMs} ms; the kernel is still processing it (device STUCK)`,
      {
        device: request.device,
        path: request.path,
        syscall: "write",
        remedy:
          "a process probably holds the device open (a DPDK application): stop it; " +
          "the agent resolves the operation when the write returns",
      },
    );
  }
}
