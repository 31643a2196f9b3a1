// Original file: proto/eniagent/v1/agent.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

/**
 * Whether instance metadata answers.
 */
export interface ImdsStatus {
  /**
   * True when the last request succeeded.
   */
  'reachable'?: (boolean);
  /**
   * The last error, or the endpoint used.
   */
  'detail'?: (string);
  /**
   * When a request last succeeded; unset when never.
   */
  'lastSuccessTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * Whether instance metadata answers.
 */
export interface ImdsStatus__Output {
  /**
   * True when the last request succeeded.
   */
  'reachable': (boolean);
  /**
   * The last error, or the endpoint used.
   */
  'detail': (string);
  /**
   * When a request last succeeded; unset when never.
   */
  'lastSuccessTime': (_google_protobuf_Timestamp__Output | null);
}
