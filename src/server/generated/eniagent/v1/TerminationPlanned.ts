// Original file: proto/eniagent/v1/agent.proto

import type { TerminationPlan as _eniagent_v1_TerminationPlan, TerminationPlan__Output as _eniagent_v1_TerminationPlan__Output } from '../../eniagent/v1/TerminationPlan.js';

/**
 * The termination plan was computed.
 */
export interface TerminationPlanned {
  /**
   * The plan.
   */
  'plan'?: (_eniagent_v1_TerminationPlan | null);
}

/**
 * The termination plan was computed.
 */
export interface TerminationPlanned__Output {
  /**
   * The plan.
   */
  'plan': (_eniagent_v1_TerminationPlan__Output | null);
}
