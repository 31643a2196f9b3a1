/** Collects WatchEvents over the real socket in the background, for assertions. */
import type { AgentClient } from "../../src/client/client.js";
import type { Event__Output } from "../../src/server/generated/eniagent/v1/Event.js";
import type { WatchEventsRequest } from "../../src/server/generated/eniagent/v1/WatchEventsRequest.js";
import { eventually } from "../agent/harness.js";

export interface EventLog {
  events: Event__Output[];
  /** Resolves with the first event (collected so far or later) that matches. */
  waitFor(match: (e: Event__Output) => boolean, ms?: number): Promise<Event__Output>;
  stop(): Promise<void>;
}

export async function collectEvents(
  client: AgentClient,
  request: WatchEventsRequest = {},
): Promise<EventLog> {
  const events: Event__Output[] = [];
  const abort = new AbortController();
  let subscribed!: () => void;
  const ready = new Promise<void>((r) => (subscribed = r));
  const done = (async () => {
    for await (const event of client.watchEvents(request, {
      signal: abort.signal,
      onSubscribed: subscribed,
    })) {
      events.push(event);
    }
  })();
  await ready;
  return {
    events,
    async waitFor(match, ms = 5_000) {
      await eventually(() => events.some(match), ms);
      return events.find(match)!;
    },
    async stop() {
      abort.abort();
      await done;
    },
  };
}
