// Original file: proto/eniagent/v1/agent.proto

import type { Operation as _eniagent_v1_Operation, Operation__Output as _eniagent_v1_Operation__Output } from '../../eniagent/v1/Operation.js';

/**
 * Response of GetOperation.
 */
export interface GetOperationResponse {
  /**
   * The operation.
   */
  'operation'?: (_eniagent_v1_Operation | null);
}

/**
 * Response of GetOperation.
 */
export interface GetOperationResponse__Output {
  /**
   * The operation.
   */
  'operation': (_eniagent_v1_Operation__Output | null);
}
