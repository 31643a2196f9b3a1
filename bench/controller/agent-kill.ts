/**
 * A kill -9 of an agent that runs in the chaos process. Every port through
 * which the agent reaches the world (sysfs, holder scans, its journal, its
 * intents file, IMDS) passes through one switch. Armed with a count, the
 * switch trips at that step of the agent's own writes (a sysfs write, a
 * journal record, a save of the intents), before the step acts or after
 * it acted but before the agent saw the answer. From then on every call of
 * that agent's ports hangs forever, so whatever it was doing stops where it
 * was, as a killed process stops: no rollback, no journal end record, no
 * drain. Callers of its API see their call fail as a dropped connection
 * does. The next agent starts on the same kernel, journal and intents file.
 */
import { AgentError } from "../../src/common/index.js";
import type { Journal } from "../../src/driver/index.js";
import type { IntentStore } from "../../src/intents/index.js";
import type { HolderScanner, Sysfs } from "../../src/sysfs/index.js";

/** What a dead process's calls do: nothing, forever. */
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

export class KillSwitch {
  #stepsLeft = Number.POSITIVE_INFINITY;
  #afterStep = false;
  #killed = false;
  /** The kind of write the agent died at ("before sysfs write", "after journal record", …). */
  diedAt: string | null = null;
  #die: () => void = () => undefined;
  readonly #dead = new Promise<void>((resolve) => {
    this.#die = resolve;
  });

  get killed(): boolean {
    return this.#killed;
  }

  /** Kills the agent at its `steps`-th write from now; `afterStep`: once that write acted. */
  arm(steps: number, afterStep: boolean): void {
    this.#stepsLeft = steps;
    this.#afterStep = afterStep;
  }

  /**
   * `work` (a call of the agent's API) as the caller sees it: rejected with
   * UNAVAILABLE once the agent is dead, as a call whose connection dropped.
   */
  call<T>(work: Promise<T>): Promise<T> {
    const dropped = this.#dead.then((): never => {
      throw new AgentError("UNAVAILABLE", "the agent was killed (connection dropped)");
    });
    return Promise.race([work, dropped]);
  }

  /** A call that changes nothing: goes through while the agent lives. */
  read<T>(call: () => Promise<T>): Promise<T> {
    if (this.#killed) return never();
    return this.#unlessKilled(call());
  }

  /** One of the agent's writes: the switch may trip before or after it. */
  step<T>(kind: string, call: () => Promise<T>): Promise<T> {
    if (this.#killed) return never();
    this.#stepsLeft -= 1;
    const trip = this.#stepsLeft <= 0;
    if (trip && !this.#afterStep) {
      this.#kill(`before ${kind}`);
      return never();
    }
    const result = call();
    if (trip) this.#kill(`after ${kind}`);
    return this.#unlessKilled(result);
  }

  sysfs(inner: Sysfs): Sysfs {
    return {
      description: inner.description,
      read: (path) => this.read(() => inner.read(path)),
      readlink: (path) => this.read(() => inner.readlink(path)),
      list: (path) => this.read(() => inner.list(path)),
      exists: (path) => this.read(() => inner.exists(path)),
      write: (path, data) => this.step("sysfs write", () => inner.write(path, data)),
    };
  }

  holders(inner: HolderScanner): HolderScanner {
    return {
      holders: (nodes) => this.read(() => inner.holders(nodes)),
      scan: (nodes, options) => this.read(() => inner.scan(nodes, options)),
    };
  }

  journal(inner: Journal): Journal {
    return {
      description: inner.description,
      load: () => this.read(() => inner.load()),
      append: (record) => this.step("journal record", () => inner.append(record)),
      replace: (records) => this.step("journal rewrite", () => inner.replace(records)),
    };
  }

  store(inner: IntentStore): IntentStore {
    return {
      load: () => this.read(() => inner.load()),
      save: (state) => this.step("intents save", () => inner.save(state)),
    };
  }

  #kill(at: string): void {
    this.#killed = true;
    this.diedAt = at;
    this.#die();
  }

  /** The answer of a call made while alive, never delivered if the agent died meanwhile. */
  #unlessKilled<T>(result: Promise<T>): Promise<T> {
    return result.then(
      (value) => (this.#killed ? never<T>() : value),
      (err: unknown) => (this.#killed ? never<T>() : Promise.reject(err)),
    );
  }
}
