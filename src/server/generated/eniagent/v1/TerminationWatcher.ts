// Original file: proto/eniagent/v1/agent.proto

import type { WatcherState as _eniagent_v1_WatcherState, WatcherState__Output as _eniagent_v1_WatcherState__Output } from '../../eniagent/v1/WatcherState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { TerminationNotice as _eniagent_v1_TerminationNotice, TerminationNotice__Output as _eniagent_v1_TerminationNotice__Output } from '../../eniagent/v1/TerminationNotice.js';

/**
 * The termination watcher.
 */
export interface TerminationWatcher {
  /**
   * Its state.
   */
  'state'?: (_eniagent_v1_WatcherState);
  /**
   * When it last polled; unset when never.
   */
  'lastPollTime'?: (_google_protobuf_Timestamp | null);
  /**
   * The last error; empty when the last poll succeeded.
   */
  'lastError'?: (string);
  /**
   * The notice being acted on; unset when none.
   */
  'pendingNotice'?: (_eniagent_v1_TerminationNotice | null);
}

/**
 * The termination watcher.
 */
export interface TerminationWatcher__Output {
  /**
   * Its state.
   */
  'state': (_eniagent_v1_WatcherState__Output);
  /**
   * When it last polled; unset when never.
   */
  'lastPollTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * The last error; empty when the last poll succeeded.
   */
  'lastError': (string);
  /**
   * The notice being acted on; unset when none.
   */
  'pendingNotice': (_eniagent_v1_TerminationNotice__Output | null);
}
