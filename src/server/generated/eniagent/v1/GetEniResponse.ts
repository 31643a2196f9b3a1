// Original file: proto/eniagent/v1/agent.proto

import type { EniStatus as _eniagent_v1_EniStatus, EniStatus__Output as _eniagent_v1_EniStatus__Output } from '../../eniagent/v1/EniStatus.js';

/**
 * Response of GetEni.
 */
export interface GetEniResponse {
  /**
   * Its status.
   */
  'status'?: (_eniagent_v1_EniStatus | null);
}

/**
 * Response of GetEni.
 */
export interface GetEniResponse__Output {
  /**
   * Its status.
   */
  'status': (_eniagent_v1_EniStatus__Output | null);
}
