/**
 * Health from what actually happened, never static: the journal is healthy
 * while its last write went through (a decorator over the Journal port sees
 * every one) and no end record waits for its retry, IMDS while its last
 * identity refresh and the termination watcher's polls went through, the
 * configuration while the last reload was accepted. `serving` is the journal
 * plus "recovery is done and not stopping".
 *
 * Records skipped at start-up (damaged or malformed) and operations
 * recovery left open leave the journal healthy, because it works and every
 * device is where the kernel says, but they are named in its detail: a
 * flipped bit must not take the agent out of service, and must not go
 * unseen either.
 */
import type { WatcherHealth } from "../aws/index.js";
import { toAgentError } from "../common/index.js";
import {
  type Journal,
  type JournalIssues,
  type JournalLoad,
  type JournalRecord,
  journalNotes,
} from "../driver/index.js";
import type { ComponentHealth, HealthReport } from "../server/core-types.js";
import type { ImdsStatus } from "./imds-identity.js";

/** A Journal that remembers whether its last I/O failed, and says when it wrote. */
export class MonitoredJournal implements Journal {
  readonly description: string;
  readonly #inner: Journal;
  readonly #onChange: () => void;
  #lastError: string | null = null;

  constructor(inner: Journal, onChange: () => void = () => undefined) {
    this.#inner = inner;
    this.description = inner.description;
    this.#onChange = onChange;
  }

  /** null while healthy; the last failure's message otherwise. */
  lastError(): string | null {
    return this.#lastError;
  }

  load(): Promise<JournalLoad> {
    return this.#watch(this.#inner.load());
  }

  append(record: JournalRecord): Promise<void> {
    return this.#watch(this.#inner.append(record));
  }

  replace(records: readonly JournalRecord[]): Promise<void> {
    return this.#watch(this.#inner.replace(records));
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
  }

  async #watch<T>(work: Promise<T>): Promise<T> {
    try {
      const value = await work;
      this.#set(null);
      return value;
    } catch (err) {
      this.#set(toAgentError(err).message);
      throw err;
    }
  }

  /** Every write may change health (a retried end record went through): the caller dedups. */
  #set(error: string | null): void {
    this.#lastError = error;
    this.#onChange();
  }
}

/**
 * The health component (and grpc.health.v1 service name) that turns healthy
 * once start-up is done: recovery finished and every desired binding applied
 * or failed with a logged reason. It stays healthy after that.
 */
export const STARTUP_COMPONENT = "startup";

interface HealthInputs {
  recovered: boolean;
  stopping: boolean;
  journalError: string | null;
  journalIssues: JournalIssues;
  imds: ImdsStatus;
  /** null when IMDS is disabled. */
  watcher: WatcherHealth | null;
  /** null while the configuration in use is the last one read. */
  configError: string | null;
  /** The start-up pass over the desired bindings ended. */
  bootBindingsDone: boolean;
}

export function computeHealth(input: HealthInputs): HealthReport {
  const notes = [
    ...(input.journalError === null ? [] : [input.journalError]),
    ...journalNotes(input.journalIssues),
  ];
  const journal: ComponentHealth = {
    name: "journal",
    healthy:
      input.recovered && input.journalError === null && input.journalIssues.unwritten.length === 0,
    detail: !input.recovered ? "recovering unfinished operations" : notes.join("; "),
  };
  const components: ComponentHealth[] = [journal, imdsHealth(input.imds, input.watcher)];
  components.push({
    name: "config",
    healthy: input.configError === null,
    detail: input.configError === null ? "" : `last reload refused: ${input.configError}`,
  });
  // What `eni-agent ready` (the unit's ExecStartPost) waits for: units ordered
  // after eni-agent.service start only once boot-time bindings are done.
  components.push({
    name: STARTUP_COMPONENT,
    healthy: input.recovered && input.bootBindingsDone,
    detail: !input.recovered
      ? "recovering unfinished operations"
      : input.bootBindingsDone
        ? ""
        : "applying desired bindings",
  });
  return { serving: journal.healthy && !input.stopping, components };
}

function imdsHealth(imds: ImdsStatus, watcher: WatcherHealth | null): ComponentHealth {
  if (!imds.enabled)
    return { name: "imds", healthy: true, detail: "disabled in the configuration" };
  if (!imds.reachable) {
    return { name: "imds", healthy: false, detail: `identity: ${imds.lastError}` };
  }
  const failing = watcher?.sources.find((s) => s.consecutiveErrors > 0);
  if (watcher !== null && !watcher.healthy && failing !== undefined) {
    return {
      name: "imds",
      healthy: false,
      detail: `termination watcher (${failing.source}): ${failing.lastErrorMessage ?? "failing"}`,
    };
  }
  return { name: "imds", healthy: true, detail: "" };
}
