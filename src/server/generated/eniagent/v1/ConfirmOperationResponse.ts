// Original file: proto/eniagent/v1/agent.proto

import type { Operation as _eniagent_v1_Operation, Operation__Output as _eniagent_v1_Operation__Output } from '../../eniagent/v1/Operation.js';

/**
 * Response of ConfirmOperation.
 */
export interface ConfirmOperationResponse {
  /**
   * The operation, confirmed (status SUCCEEDED).
   */
  'operation'?: (_eniagent_v1_Operation | null);
}

/**
 * Response of ConfirmOperation.
 */
export interface ConfirmOperationResponse__Output {
  /**
   * The operation, confirmed (status SUCCEEDED).
   */
  'operation': (_eniagent_v1_Operation__Output | null);
}
