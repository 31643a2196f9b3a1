/**
 * The core's event fan-out: numbers every event (sequence +1 each), stamps
 * it, and calls each listener synchronously. A listener that throws is
 * dropped from this event only; it can never fail the emitter (an operation
 * half-way must not stop because a watcher's stream broke).
 */
import type { AgentEvent, AgentEventPayload } from "../server/core-types.js";

export class EventHub {
  readonly #listeners = new Set<(event: AgentEvent) => void>();
  #sequence = 0;

  subscribe(listener: (event: AgentEvent) => void): () => void {
    // A fresh wrapper per subscription: the same function subscribed twice is two listeners.
    const entry = (event: AgentEvent): void => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(payload: AgentEventPayload): AgentEvent {
    const event = { sequence: ++this.#sequence, at: new Date(), ...payload } as AgentEvent;
    for (const listener of [...this.#listeners]) {
      // Removed by an earlier listener of this same event: not called any more.
      if (!this.#listeners.has(listener)) continue;
      try {
        listener(event);
      } catch {
        // See above: the emitter carries on.
      }
    }
    return event;
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
