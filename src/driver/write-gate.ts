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
import { AgentError, type PciAddress, Semaphore } from "../common/index.js";
import type { Sysfs } from "../sysfs/sysfs.js";
import type { Clock } from "./clock.js";

interface WriteGateOptions {
  /** Writes that may hold a threadpool thread at once, stuck ones included. Default 8. */
  maxInFlight?: number;
  /** Deadline of one write, slot wait included, in ms. Default 30 000. */
  timeoutMs?: number;
}

interface GateWrite {
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
  readonly #slots: Semaphore;

  constructor(deps: { sysfs: Sysfs; clock: Clock }, options: WriteGateOptions = {}) {
    this.#sysfs = deps.sysfs;
    this.#clock = deps.clock;
    this.maxInFlight = options.maxInFlight ?? 8;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.#slots = new Semaphore(this.maxInFlight);
  }

  /** Writes in flight now, stuck ones included. */
  get inFlight(): number {
    return this.#slots.active;
  }

  /** Throws the write's AgentError (errno set) or DEADLINE_EXCEEDED when no slot freed in time. */
  async write(request: GateWrite): Promise<GateResult> {
    let expire: () => void = () => undefined;
    const expired = new Promise<"expired">((resolve) => {
      expire = () => resolve("expired");
    });
    // A plain cancellable timer, and the semaphore's queue rather than an
    // AbortSignal: an AbortController per write cost a tenth of a move's CPU
    // in a software-emulated guest.
    const cancelTimer = this.#clock.after(this.timeoutMs, expire);
    let leave: (() => void) | null = null;
    try {
      let release = this.#slots.tryAcquire();
      if (release === null) {
        const turn = this.#slots.queue();
        leave = turn.leave;
        const slot = await Promise.race([turn.granted, expired]);
        if (slot === "expired") throw this.#noSlot(request);
        leave = null;
        release = slot;
      }
      const write = this.#sysfs.write(request.path, request.data);
      const settled = write.then(
        () => null,
        (err: unknown) => err as AgentError,
      );
      // The slot stays taken until the kernel returns, however long after the deadline.
      void settled.finally(release);
      const first = await Promise.race([write.then(() => "done" as const), expired]);
      if (first === "done") return { kind: "done" };
      return { kind: "stuck", error: this.#stuckError(request), settled };
    } finally {
      cancelTimer();
      leave?.();
    }
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
