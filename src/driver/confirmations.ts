/**
 * The waits of binds on trial. A committed bind with a confirmation window
 * awaits ConfirmOperation until its deadline; past it, the agent reverts
 * the device. Confirming and reverting exclude each other through a claim
 * taken synchronously (one JavaScript turn), so a confirm racing the
 * deadline has exactly one outcome: confirmed (never reverted after) or
 * reverted (the confirm is refused).
 *
 * Deadlines are wall time (ISO-8601 in the journal), read from the clock's
 * `isoNow()`: they must mean the same after a restart, which a monotonic
 * reading does not.
 */
import { AgentError, type PciAddress, toAgentError } from "../common/index.js";
import type { Clock } from "./clock.js";
import type { OperationBook } from "./operation-book.js";
import type { ConfirmedBy, OperationView } from "./types.js";

/** A bind on trial that still awaits its confirmation. */
export interface PendingConfirmation {
  operationId: string;
  device: PciAddress;
  /** ISO-8601 wall time. */
  deadline: string;
  /** Milliseconds left (0 once the deadline has passed). */
  remainingMs: number;
}

export class Confirmations {
  readonly #book: OperationBook;
  readonly #clock: Clock;
  readonly #confirming = new Map<string, Promise<OperationView>>();
  readonly #reverting = new Set<string>();

  constructor(book: OperationBook, clock: Clock) {
    this.#book = book;
    this.#clock = clock;
  }

  /** Wall milliseconds now, on the injected clock. */
  nowMs(): number {
    return Date.parse(this.#clock.isoNow());
  }

  pending(): PendingConfirmation[] {
    const now = this.nowMs();
    const out: PendingConfirmation[] = [];
    for (const view of this.#book.list()) {
      const c = view.confirmation;
      if (c?.state !== "pending") continue;
      out.push({
        operationId: view.header.id,
        device: view.header.device,
        deadline: c.deadline,
        remainingMs: Math.max(0, Date.parse(c.deadline) - now),
      });
    }
    return out;
  }

  /**
   * Makes `id` final; `confirmed` runs after the record is durable (the
   * engine's event). Idempotent: an operation already confirmed is OK, and
   * a confirm while one is being written joins it. NOT_FOUND for an
   * unknown operation; FAILED_PRECONDITION when it awaits no confirmation
   * (not a bind on trial, not committed, reverted, its deadline passed, or
   * a later operation ended the wait); UNAVAILABLE when the journal refuses.
   */
  confirm(
    id: string,
    by: ConfirmedBy,
    confirmed: (view: OperationView) => void,
  ): Promise<OperationView> {
    const view = this.#book.get(id);
    if (view === undefined) {
      return Promise.reject(
        new AgentError("NOT_FOUND", `no operation ${id}`, {
          operationId: id,
          remedy: "list operations with eni-agent ops",
        }),
      );
    }
    const joined = this.#confirming.get(id);
    if (joined !== undefined) return joined;
    try {
      this.#checkConfirmable(view);
    } catch (err) {
      return Promise.reject(err);
    }
    if (view.confirmation?.state === "confirmed") return Promise.resolve(view);
    const written = this.#write(view, by).then((done) => {
      confirmed(done);
      return done;
    });
    const tracked = written.finally(() => this.#confirming.delete(id));
    this.#confirming.set(id, tracked);
    return tracked;
  }

  /** Throws unless `view` awaits confirmation now; returns when it is confirmed already. */
  #checkConfirmable(view: OperationView): void {
    const { id, device } = view.header;
    const c = view.confirmation;
    const refuse: (message: string, remedy?: string) => never = (message, remedy) => {
      throw new AgentError("FAILED_PRECONDITION", message, { operationId: id, device, remedy });
    };
    if (c === null) {
      if (view.header.confirmWithinMs === undefined) {
        refuse(`operation ${id} is not a bind on trial: it awaits no confirmation`);
      }
      refuse(
        `operation ${id} has not committed (${view.status}): there is nothing to confirm`,
        view.status === "running" || view.status === "stuck"
          ? "retry once it committed"
          : undefined,
      );
    }
    switch (c.state) {
      case "confirmed":
        return;
      case "reverted":
        refuse(
          `operation ${id} was not confirmed by ${c.deadline}: operation ${c.by} reverted device ${device}`,
          "bind it again",
        );
        break;
      case "ended":
        refuse(
          `operation ${id} awaits no confirmation any more: operation ${c.by} began on device ${device} before it was confirmed`,
        );
        break;
      case "pending":
        if (this.#reverting.has(id) || this.nowMs() >= Date.parse(c.deadline)) {
          refuse(
            `operation ${id} was not confirmed by ${c.deadline}: device ${device} is being reverted`,
            "bind it again once the revert has finished",
          );
        }
    }
  }

  async #write(view: OperationView, by: ConfirmedBy): Promise<OperationView> {
    const id = view.header.id;
    // A confirmed record before its operation's end record would be skipped at
    // the next start, and the bind reverted: the end record goes first.
    if (this.#book.endUnwritten(id) && !(await this.#book.flush())) {
      throw new AgentError(
        "UNAVAILABLE",
        `operation ${id} cannot be confirmed: the journal refuses to write its end record`,
        { operationId: id, remedy: "retry; eni-agent ops shows the journal's state" },
      );
    }
    try {
      await this.#book.confirm(id, by);
    } catch (err) {
      const cause = toAgentError(err);
      throw new AgentError(
        "UNAVAILABLE",
        `operation ${id} was not confirmed: the journal refused the record: ${cause.message}`,
        { operationId: id, remedy: "retry before the deadline", cause },
      );
    }
    return view;
  }

  /**
   * Claims the revert of `id`: true when it awaits confirmation, its
   * deadline has passed and no confirm is being written. `release` ends the
   * claim (the revert finished, or failed and will be retried).
   */
  claimRevert(id: string): boolean {
    const c = this.#book.get(id)?.confirmation;
    if (c?.state !== "pending" || this.#confirming.has(id) || this.#reverting.has(id)) return false;
    if (this.nowMs() < Date.parse(c.deadline)) return false;
    this.#reverting.add(id);
    return true;
  }

  release(id: string): void {
    this.#reverting.delete(id);
  }
}
