// Original file: proto/eniagent/v1/agent.proto

import type { EniStatus as _eniagent_v1_EniStatus, EniStatus__Output as _eniagent_v1_EniStatus__Output } from '../../eniagent/v1/EniStatus.js';

/**
 * Response of PutEniIntent.
 */
export interface PutEniIntentResponse {
  /**
   * The ENI's status after the intent was applied (or found not present).
   */
  'status'?: (_eniagent_v1_EniStatus | null);
}

/**
 * Response of PutEniIntent.
 */
export interface PutEniIntentResponse__Output {
  /**
   * The ENI's status after the intent was applied (or found not present).
   */
  'status': (_eniagent_v1_EniStatus__Output | null);
}
