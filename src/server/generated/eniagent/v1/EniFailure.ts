// Original file: proto/eniagent/v1/agent.proto

import type { ErrorDetail as _eniagent_v1_ErrorDetail, ErrorDetail__Output as _eniagent_v1_ErrorDetail__Output } from '../../eniagent/v1/ErrorDetail.js';

/**
 * One ENI of a sync that was refused or failed.
 */
export interface EniFailure {
  /**
   * ENI id.
   */
  'eniId'?: (string);
  /**
   * Why.
   */
  'error'?: (_eniagent_v1_ErrorDetail | null);
}

/**
 * One ENI of a sync that was refused or failed.
 */
export interface EniFailure__Output {
  /**
   * ENI id.
   */
  'eniId': (string);
  /**
   * Why.
   */
  'error': (_eniagent_v1_ErrorDetail__Output | null);
}
