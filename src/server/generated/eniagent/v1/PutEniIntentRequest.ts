// Original file: proto/eniagent/v1/agent.proto

import type { EniIntent as _eniagent_v1_EniIntent, EniIntent__Output as _eniagent_v1_EniIntent__Output } from '../../eniagent/v1/EniIntent.js';

/**
 * Request of PutEniIntent.
 */
export interface PutEniIntentRequest {
  /**
   * What the controller wants.
   */
  'intent'?: (_eniagent_v1_EniIntent | null);
  /**
   * Who wants it: the controller and its object, e.g.
   * "nodeeni/8f2b0c7e-uid" (1 to 253 of A-Z a-z 0-9 . _ : / @ -).
   */
  'owner'?: (string);
  /**
   * Makes retries idempotent: a repeated id joins the call in flight or
   * gets its answer (1 to 128 of A-Z a-z 0-9 . _ : -).
   */
  'requestId'?: (string);
  /**
   * Replace another owner's intent. Only on the agent's local
   * administrator socket; PERMISSION_DENIED elsewhere.
   */
  'force'?: (boolean);
}

/**
 * Request of PutEniIntent.
 */
export interface PutEniIntentRequest__Output {
  /**
   * What the controller wants.
   */
  'intent': (_eniagent_v1_EniIntent__Output | null);
  /**
   * Who wants it: the controller and its object, e.g.
   * "nodeeni/8f2b0c7e-uid" (1 to 253 of A-Z a-z 0-9 . _ : / @ -).
   */
  'owner': (string);
  /**
   * Makes retries idempotent: a repeated id joins the call in flight or
   * gets its answer (1 to 128 of A-Z a-z 0-9 . _ : -).
   */
  'requestId': (string);
  /**
   * Replace another owner's intent. Only on the agent's local
   * administrator socket; PERMISSION_DENIED elsewhere.
   */
  'force': (boolean);
}
