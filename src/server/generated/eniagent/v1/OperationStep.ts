// Original file: proto/eniagent/v1/agent.proto

import type { StepStatus as _eniagent_v1_StepStatus, StepStatus__Output as _eniagent_v1_StepStatus__Output } from '../../eniagent/v1/StepStatus.js';

/**
 * One step of an operation's plan.
 */
export interface OperationStep {
  /**
   * What the step does, for people, e.g. "unbind from ena".
   */
  'description'?: (string);
  /**
   * The sysfs attribute written, relative to the sysfs root; empty for steps
   * that write nothing (guards, verification, EC2 calls).
   */
  'path'?: (string);
  /**
   * The value written; empty when nothing is written.
   */
  'value'?: (string);
  /**
   * Where the step stands.
   */
  'status'?: (_eniagent_v1_StepStatus);
}

/**
 * One step of an operation's plan.
 */
export interface OperationStep__Output {
  /**
   * What the step does, for people, e.g. "unbind from ena".
   */
  'description': (string);
  /**
   * The sysfs attribute written, relative to the sysfs root; empty for steps
   * that write nothing (guards, verification, EC2 calls).
   */
  'path': (string);
  /**
   * The value written; empty when nothing is written.
   */
  'value': (string);
  /**
   * Where the step stands.
   */
  'status': (_eniagent_v1_StepStatus__Output);
}
