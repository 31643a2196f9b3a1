// Original file: proto/eniagent/v1/agent.proto

import type { Operation as _eniagent_v1_Operation, Operation__Output as _eniagent_v1_Operation__Output } from '../../eniagent/v1/Operation.js';

/**
 * An operation finished (successfully or not).
 */
export interface OperationResult {
  /**
   * The finished operation.
   */
  'operation'?: (_eniagent_v1_Operation | null);
}

/**
 * An operation finished (successfully or not).
 */
export interface OperationResult__Output {
  /**
   * The finished operation.
   */
  'operation': (_eniagent_v1_Operation__Output | null);
}
