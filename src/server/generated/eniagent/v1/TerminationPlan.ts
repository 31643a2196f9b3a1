// Original file: proto/eniagent/v1/agent.proto

import type { TerminationNotice as _eniagent_v1_TerminationNotice, TerminationNotice__Output as _eniagent_v1_TerminationNotice__Output } from '../../eniagent/v1/TerminationNotice.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { TerminationStep as _eniagent_v1_TerminationStep, TerminationStep__Output as _eniagent_v1_TerminationStep__Output } from '../../eniagent/v1/TerminationStep.js';

/**
 * The termination plan.
 */
export interface TerminationPlan {
  /**
   * The notice that triggered it; unset for a manual plan with no notice.
   */
  'notice'?: (_eniagent_v1_TerminationNotice | null);
  /**
   * When the plan must be finished; unset when unknown.
   */
  'deadlineTime'?: (_google_protobuf_Timestamp | null);
  /**
   * The steps, in the order they run.
   */
  'steps'?: (_eniagent_v1_TerminationStep)[];
}

/**
 * The termination plan.
 */
export interface TerminationPlan__Output {
  /**
   * The notice that triggered it; unset for a manual plan with no notice.
   */
  'notice': (_eniagent_v1_TerminationNotice__Output | null);
  /**
   * When the plan must be finished; unset when unknown.
   */
  'deadlineTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * The steps, in the order they run.
   */
  'steps': (_eniagent_v1_TerminationStep__Output)[];
}
