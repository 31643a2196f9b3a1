// Original file: proto/eniagent/v1/agent.proto

import type { Operation as _eniagent_v1_Operation, Operation__Output as _eniagent_v1_Operation__Output } from '../../eniagent/v1/Operation.js';

/**
 * An operation advanced a step.
 */
export interface OperationProgress {
  /**
   * The operation as it stands now.
   */
  'operation'?: (_eniagent_v1_Operation | null);
}

/**
 * An operation advanced a step.
 */
export interface OperationProgress__Output {
  /**
   * The operation as it stands now.
   */
  'operation': (_eniagent_v1_Operation__Output | null);
}
