// Original file: proto/eniagent/v1/agent.proto

import type { EniStatus as _eniagent_v1_EniStatus, EniStatus__Output as _eniagent_v1_EniStatus__Output } from '../../eniagent/v1/EniStatus.js';

/**
 * Response of ListEnis.
 */
export interface ListEnisResponse {
  /**
   * By ENI id.
   */
  'statuses'?: (_eniagent_v1_EniStatus)[];
}

/**
 * Response of ListEnis.
 */
export interface ListEnisResponse__Output {
  /**
   * By ENI id.
   */
  'statuses': (_eniagent_v1_EniStatus__Output)[];
}
