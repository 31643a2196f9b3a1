// Original file: proto/eniagent/v1/agent.proto

import type { EniStatus as _eniagent_v1_EniStatus, EniStatus__Output as _eniagent_v1_EniStatus__Output } from '../../eniagent/v1/EniStatus.js';
import type { EniFailure as _eniagent_v1_EniFailure, EniFailure__Output as _eniagent_v1_EniFailure__Output } from '../../eniagent/v1/EniFailure.js';

/**
 * Response of SyncEniIntents.
 */
export interface SyncEniIntentsResponse {
  /**
   * The status of each ENI of the set and of each released one.
   */
  'statuses'?: (_eniagent_v1_EniStatus)[];
  /**
   * ENIs whose put or release failed.
   */
  'failures'?: (_eniagent_v1_EniFailure)[];
}

/**
 * Response of SyncEniIntents.
 */
export interface SyncEniIntentsResponse__Output {
  /**
   * The status of each ENI of the set and of each released one.
   */
  'statuses': (_eniagent_v1_EniStatus__Output)[];
  /**
   * ENIs whose put or release failed.
   */
  'failures': (_eniagent_v1_EniFailure__Output)[];
}
