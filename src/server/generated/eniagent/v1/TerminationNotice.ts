// Original file: proto/eniagent/v1/agent.proto

import type { TerminationSource as _eniagent_v1_TerminationSource, TerminationSource__Output as _eniagent_v1_TerminationSource__Output } from '../../eniagent/v1/TerminationSource.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

/**
 * Instance metadata announced a termination, or a risk of it.
 */
export interface TerminationNotice {
  /**
   * Where the notice came from.
   */
  'source'?: (_eniagent_v1_TerminationSource);
  /**
   * The announced action, as metadata names it: "terminate", "stop",
   * "hibernate", an event code such as "instance-retirement", or "Terminated".
   */
  'action'?: (string);
  /**
   * When the action takes effect; unset when metadata gives no time.
   */
  'deadlineTime'?: (_google_protobuf_Timestamp | null);
  /**
   * A stable id of the notice (content-derived), to deduplicate.
   */
  'noticeId'?: (string);
}

/**
 * Instance metadata announced a termination, or a risk of it.
 */
export interface TerminationNotice__Output {
  /**
   * Where the notice came from.
   */
  'source': (_eniagent_v1_TerminationSource__Output);
  /**
   * The announced action, as metadata names it: "terminate", "stop",
   * "hibernate", an event code such as "instance-retirement", or "Terminated".
   */
  'action': (string);
  /**
   * When the action takes effect; unset when metadata gives no time.
   */
  'deadlineTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * A stable id of the notice (content-derived), to deduplicate.
   */
  'noticeId': (string);
}
