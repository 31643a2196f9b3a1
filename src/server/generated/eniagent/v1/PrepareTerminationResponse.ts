// Original file: proto/eniagent/v1/agent.proto

import type { TerminationPlan as _eniagent_v1_TerminationPlan, TerminationPlan__Output as _eniagent_v1_TerminationPlan__Output } from '../../eniagent/v1/TerminationPlan.js';
import type { Operation as _eniagent_v1_Operation, Operation__Output as _eniagent_v1_Operation__Output } from '../../eniagent/v1/Operation.js';

/**
 * Response of PrepareTermination.
 */
export interface PrepareTerminationResponse {
  /**
   * The plan, with each step's status.
   */
  'plan'?: (_eniagent_v1_TerminationPlan | null);
  /**
   * The termination operation; unset for a dry run.
   */
  'operation'?: (_eniagent_v1_Operation | null);
}

/**
 * Response of PrepareTermination.
 */
export interface PrepareTerminationResponse__Output {
  /**
   * The plan, with each step's status.
   */
  'plan': (_eniagent_v1_TerminationPlan__Output | null);
  /**
   * The termination operation; unset for a dry run.
   */
  'operation': (_eniagent_v1_Operation__Output | null);
}
