/**
 * Faults for the simulated kernel, chosen by path: fail the Nth matching
 * write with an errno (the kernel never sees it), delay it, or hold it until
 * the test releases it (a write stuck in the kernel, e.g. an unbind while
 * DPDK holds the device). Reads can be faulted the same way.
 *
 * Rules are checked in the order they were added; every matching rule counts
 * the operation, and the first rule whose turn it is acts on it.
 */
import { sleep } from "../common/index.js";

/** A port path pattern: a glob ("*" and "?" stay within a component, "**" spans them) or a RegExp. */
export type PathPattern = string | RegExp;

export type FaultAction =
  /** Fail with this errno name without reaching the kernel. */
  | { kind: "fail"; errno: string }
  /** Wait `ms` milliseconds, then perform the operation. */
  | { kind: "delay"; ms: number }
  /** Wait until `release()`, then perform the operation. */
  | { kind: "block" };

export interface FaultRule {
  path: PathPattern;
  /** Which operation the rule watches. Default "write". */
  operation?: "write" | "read";
  /** Only operations whose payload (Latin-1 text) matches; writes only. */
  data?: string | RegExp;
  /** 1-based index of the first matching operation acted on. Default 1. */
  nth?: number;
  /** How many matching operations, from the nth on, are acted on. Default 1; Infinity for all. */
  times?: number;
  action: FaultAction;
}

export interface FaultHandle {
  readonly rule: Readonly<FaultRule>;
  /** Matching operations seen since the rule was added. */
  readonly matched: number;
  /** Operations the rule acted on. */
  readonly fired: number;
  /** Operations currently held by a "block" rule. */
  readonly blocked: number;
  /** Lets held operations proceed and stops blocking new ones. Idempotent. */
  release(): void;
  /** Resolves once the rule has acted `count` times (default 1). */
  whenFired(count?: number): Promise<void>;
  /** Disarms the rule (held operations are released). */
  remove(): void;
}

/** What the kernel must do with one operation. */
type FaultDecision =
  | { kind: "none" }
  | { kind: "fail"; errno: string }
  | { kind: "wait"; until: Promise<void> };

class Fault implements FaultHandle {
  readonly rule: Readonly<FaultRule>;
  matched = 0;
  fired = 0;
  blocked = 0;
  released = false;
  readonly #regex: RegExp;
  #waiters: (() => void)[] = [];
  #firedWaiters: { count: number; resolve: () => void }[] = [];
  readonly #onRemove: (fault: Fault) => void;

  constructor(rule: FaultRule, onRemove: (fault: Fault) => void) {
    this.rule = { ...rule };
    this.#regex = typeof rule.path === "string" ? globToRegExp(rule.path) : rule.path;
    this.#onRemove = onRemove;
  }

  matches(operation: "write" | "read", path: string, payload: string | null): boolean {
    if ((this.rule.operation ?? "write") !== operation) return false;
    if (!this.#regex.test(path)) return false;
    const data = this.rule.data;
    if (data === undefined) return true;
    if (payload === null) return false;
    return typeof data === "string" ? payload === data : data.test(payload);
  }

  /** Counts a matching operation; returns true when it is this rule's turn to act. */
  count(): boolean {
    this.matched += 1;
    const first = this.rule.nth ?? 1;
    const times = this.rule.times ?? 1;
    return this.matched >= first && this.matched < first + times;
  }

  act(): FaultDecision {
    this.fired += 1;
    for (const w of this.#firedWaiters.filter((x) => x.count <= this.fired)) w.resolve();
    this.#firedWaiters = this.#firedWaiters.filter((x) => x.count > this.fired);
    const action = this.rule.action;
    if (action.kind === "fail") return { kind: "fail", errno: action.errno };
    if (action.kind === "delay") return { kind: "wait", until: sleep(action.ms) };
    if (this.released) return { kind: "none" };
    this.blocked += 1;
    const until = new Promise<void>((resolve) => {
      this.#waiters.push(() => {
        this.blocked -= 1;
        resolve();
      });
    });
    return { kind: "wait", until };
  }

  release(): void {
    this.released = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  whenFired(count = 1): Promise<void> {
    if (this.fired >= count) return Promise.resolve();
    return new Promise((resolve) => this.#firedWaiters.push({ count, resolve }));
  }

  remove(): void {
    this.release();
    this.#onRemove(this);
  }
}

export class FaultInjector {
  #faults: Fault[] = [];

  /** Adds a rule; the handle counts, releases and removes it. */
  add(rule: FaultRule): FaultHandle {
    const fault = new Fault(rule, (f) => {
      this.#faults = this.#faults.filter((x) => x !== f);
    });
    this.#faults.push(fault);
    return fault;
  }

  /** Fails matching writes with `errno` (from the nth, `times` of them). */
  failWrite(path: PathPattern, errno: string, options: FaultOptions = {}): FaultHandle {
    return this.add({ ...options, path, action: { kind: "fail", errno } });
  }

  /** Delays matching writes by `ms` milliseconds, then performs them. */
  delayWrite(path: PathPattern, ms: number, options: FaultOptions = {}): FaultHandle {
    return this.add({ ...options, path, action: { kind: "delay", ms } });
  }

  /** Holds matching writes until `release()`, then performs them. */
  blockWrite(path: PathPattern, options: FaultOptions = {}): FaultHandle {
    return this.add({ ...options, path, action: { kind: "block" } });
  }

  /** Removes every rule and releases every held operation. */
  clear(): void {
    for (const fault of [...this.#faults]) fault.remove();
  }

  /** Decides the fate of one operation; called by the kernel before it acts. */
  decide(operation: "write" | "read", path: string, bytes: Uint8Array | null): FaultDecision {
    const payload = bytes === null ? null : Buffer.from(bytes).toString("latin1");
    let decision: FaultDecision = { kind: "none" };
    for (const fault of this.#faults) {
      if (!fault.matches(operation, path, payload)) continue;
      if (fault.count() && decision.kind === "none") decision = fault.act();
    }
    return decision;
  }
}

export type FaultOptions = Pick<FaultRule, "nth" | "times" | "data" | "operation">;

/** "bus/pci/drivers/*\/bind" → anchored RegExp; "*" and "?" never cross "/", "**" does. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*" && glob[i + 1] === "*") {
      out += ".*";
      i++;
    } else if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else out += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}
