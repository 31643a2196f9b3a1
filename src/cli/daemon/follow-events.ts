/**
 * Follows the daemon's events while a call runs, for progress output. It
 * resolves once the daemon confirms the subscription, so that the call sent
 * next cannot outrun it (events are not replayed). A stream that fails only
 * costs the progress lines: the call's own answer is what counts.
 */

import type { AgentClient } from "../../client/client.js";
import { isAgentError } from "../../common/index.js";
import type { WatchEventsRequest } from "../../server/generated/eniagent/v1/WatchEventsRequest.js";
import { type EventJson, eventJson } from "./to-json.js";

interface EventFollower {
  /** Ends the subscription and waits for the last event to be handled. */
  stop(): Promise<void>;
  /** Why progress could not be followed; null when it could. */
  readonly problem: string | null;
}

export async function followEvents(
  client: AgentClient,
  request: WatchEventsRequest,
  onEvent: (event: EventJson) => void,
  subscribeTimeoutMs: number,
): Promise<EventFollower> {
  const abort = new AbortController();
  let problem: string | null = null;
  let subscribed = (): void => {};
  const ready = new Promise<void>((resolve) => {
    subscribed = resolve;
  });
  const events = client.watchEvents(request, {
    signal: abort.signal,
    onSubscribed: () => subscribed(),
  });
  const loop = (async () => {
    try {
      for await (const event of events) onEvent(eventJson(event));
    } catch (err) {
      problem = isAgentError(err) ? err.message : String(err);
    } finally {
      subscribed();
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ready,
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        problem ??= "the daemon did not confirm the event subscription in time";
        resolve();
      }, subscribeTimeoutMs);
    }),
  ]);
  clearTimeout(timer);
  return {
    get problem() {
      return problem;
    },
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
