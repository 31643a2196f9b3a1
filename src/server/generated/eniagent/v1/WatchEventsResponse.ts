// Original file: proto/eniagent/v1/agent.proto

import type { Event as _eniagent_v1_Event, Event__Output as _eniagent_v1_Event__Output } from '../../eniagent/v1/Event.js';

/**
 * One streamed event.
 */
export interface WatchEventsResponse {
  /**
   * The event.
   */
  'event'?: (_eniagent_v1_Event | null);
}

/**
 * One streamed event.
 */
export interface WatchEventsResponse__Output {
  /**
   * The event.
   */
  'event': (_eniagent_v1_Event__Output | null);
}
