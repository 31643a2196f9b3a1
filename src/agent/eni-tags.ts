/**
 * The tags of this instance's ENIs, for pools split by ENI tag. IMDS does
 * not serve ENI tags, so they come from EC2 (DescribeNetworkInterfaces
 * filtered on this instance: one call for all of them, loading the EC2 SDK
 * on first use, only when a pool asks for tags).
 *
 * Tags are read when an ENI not seen before turns up among the devices
 * (and again after a failure, no sooner than `retryMs`); a tag changed on
 * an ENI already known is seen after the agent restarts. An ENI whose tags
 * are not known is offered by no tag-split pool.
 */
import type { EniDescription } from "../aws/index.js";
import { type EniId, toAgentError } from "../common/index.js";
import type { AgentLog } from "./agent-log.js";

interface EniTagsDeps {
  /** The ENIs attached to this instance, with their tags. */
  describe: () => Promise<EniDescription[]>;
  /** New tags are known: the pools should be computed again. */
  changed: () => void;
  log: AgentLog;
  now?: () => number;
}

export class EniTags {
  readonly #deps: EniTagsDeps;
  readonly #retryMs: number;
  readonly #now: () => number;
  readonly #tags = new Map<EniId, Readonly<Record<string, string>>>();
  #inflight: Promise<void> | null = null;
  #failedAt = Number.NEGATIVE_INFINITY;

  constructor(deps: EniTagsDeps, options: { retryMs: number }) {
    this.#deps = deps;
    this.#retryMs = options.retryMs;
    this.#now = deps.now ?? Date.now;
  }

  tagsOf(eniId: EniId | null): Readonly<Record<string, string>> | null {
    return eniId === null ? null : (this.#tags.get(eniId) ?? null);
  }

  /** Reads the tags when one of `eniIds` is not known yet (one read at a time). */
  want(eniIds: readonly EniId[]): void {
    if (this.#inflight !== null || eniIds.every((id) => this.#tags.has(id))) return;
    if (this.#now() - this.#failedAt < this.#retryMs) return;
    this.#inflight = this.#read().finally(() => {
      this.#inflight = null;
    });
  }

  /** Resolves when no read is in flight (stop). */
  async settled(): Promise<void> {
    await this.#inflight;
  }

  async #read(): Promise<void> {
    try {
      for (const eni of await this.#deps.describe()) this.#tags.set(eni.eniId, eni.tags);
      this.#deps.changed();
    } catch (err) {
      this.#failedAt = this.#now();
      this.#deps.log.warn({ err: toAgentError(err) }, "ENI tags not read; tag pools wait");
    }
  }
}
