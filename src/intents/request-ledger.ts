/**
 * Idempotency by request id. A call whose id is in flight joins it; one
 * whose id succeeded lately gets the same answer; one whose id failed runs
 * again (a refusal such as a holder that has since exited must be
 * retryable). An id reused for a different request is INVALID_ARGUMENT.
 * Kept in memory and bounded: after a restart the contract's rules make a
 * retry safe on their own (same generation = unchanged, release of a
 * released ENI = the same outcome).
 */
import { AgentError } from "../common/index.js";

interface Entry {
  fingerprint: string;
  result: Promise<unknown>;
}

export class RequestLedger {
  readonly #entries = new Map<string, Entry>();
  readonly #limit: number;

  /** `limit`: answers kept (oldest forgotten first). Default 4096. */
  constructor(options: { limit?: number } = {}) {
    this.#limit = options.limit ?? 4096;
  }

  run<T>(requestId: string, fingerprint: string, work: () => Promise<T>): Promise<T> {
    const known = this.#entries.get(requestId);
    if (known !== undefined) {
      if (known.fingerprint !== fingerprint) {
        return Promise.reject(
          new AgentError(
            "INVALID_ARGUMENT",
            `request id ${requestId} was used for a different request`,
            { remedy: "use a new request id for every distinct request; reuse it only to retry" },
          ),
        );
      }
      return known.result as Promise<T>;
    }
    const result = work();
    this.#entries.set(requestId, { fingerprint, result });
    result.catch(() => {
      if (this.#entries.get(requestId)?.result === result) this.#entries.delete(requestId);
    });
    while (this.#entries.size > this.#limit) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    return result;
  }
}
