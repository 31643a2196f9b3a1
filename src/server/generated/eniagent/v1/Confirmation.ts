// Original file: proto/eniagent/v1/agent.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { ConfirmationState as _eniagent_v1_ConfirmationState, ConfirmationState__Output as _eniagent_v1_ConfirmationState__Output } from '../../eniagent/v1/ConfirmationState.js';

/**
 * The confirmation of a bind on trial.
 */
export interface Confirmation {
  /**
   * When the bind is reverted unless confirmed before.
   */
  'deadlineTime'?: (_google_protobuf_Timestamp | null);
  /**
   * Where the wait stands.
   */
  'state'?: (_eniagent_v1_ConfirmationState);
  /**
   * CONFIRMED: "request" (ConfirmOperation) or "probe" (the configured
   * automatic confirmation); REVERTED and ENDED: the operation id that
   * ended the wait; unset while pending.
   */
  'by'?: (string);
  /**
   * When the state last changed; unset while pending.
   */
  'updateTime'?: (_google_protobuf_Timestamp | null);
  '_by'?: "by";
}

/**
 * The confirmation of a bind on trial.
 */
export interface Confirmation__Output {
  /**
   * When the bind is reverted unless confirmed before.
   */
  'deadlineTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * Where the wait stands.
   */
  'state': (_eniagent_v1_ConfirmationState__Output);
  /**
   * CONFIRMED: "request" (ConfirmOperation) or "probe" (the configured
   * automatic confirmation); REVERTED and ENDED: the operation id that
   * ended the wait; unset while pending.
   */
  'by'?: (string);
  /**
   * When the state last changed; unset while pending.
   */
  'updateTime': (_google_protobuf_Timestamp__Output | null);
  '_by'?: "by";
}
