// Original file: proto/eniagent/v1/agent.proto

import type { TerminationAction as _eniagent_v1_TerminationAction, TerminationAction__Output as _eniagent_v1_TerminationAction__Output } from '../../eniagent/v1/TerminationAction.js';
import type { StepStatus as _eniagent_v1_StepStatus, StepStatus__Output as _eniagent_v1_StepStatus__Output } from '../../eniagent/v1/StepStatus.js';

/**
 * One step of the termination plan.
 */
export interface TerminationStep {
  /**
   * The ENI; unset when the device's ENI is not known (a device the agent
   * never saw under its kernel driver, with no IMDS identity).
   */
  'eniId'?: (string);
  /**
   * Its PCI address; unset when it has no device on this host.
   */
  'pciAddress'?: (string);
  /**
   * What to do.
   */
  'action'?: (_eniagent_v1_TerminationAction);
  /**
   * Why, for people.
   */
  'reason'?: (string);
  /**
   * Where the step stands.
   */
  'status'?: (_eniagent_v1_StepStatus);
  '_eniId'?: "eniId";
  '_pciAddress'?: "pciAddress";
}

/**
 * One step of the termination plan.
 */
export interface TerminationStep__Output {
  /**
   * The ENI; unset when the device's ENI is not known (a device the agent
   * never saw under its kernel driver, with no IMDS identity).
   */
  'eniId'?: (string);
  /**
   * Its PCI address; unset when it has no device on this host.
   */
  'pciAddress'?: (string);
  /**
   * What to do.
   */
  'action': (_eniagent_v1_TerminationAction__Output);
  /**
   * Why, for people.
   */
  'reason': (string);
  /**
   * Where the step stands.
   */
  'status': (_eniagent_v1_StepStatus__Output);
  '_eniId'?: "eniId";
  '_pciAddress'?: "pciAddress";
}
