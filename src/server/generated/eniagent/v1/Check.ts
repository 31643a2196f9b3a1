// Original file: proto/eniagent/v1/agent.proto

import type { CheckSeverity as _eniagent_v1_CheckSeverity, CheckSeverity__Output as _eniagent_v1_CheckSeverity__Output } from '../../eniagent/v1/CheckSeverity.js';

/**
 * One preflight finding.
 */
export interface Check {
  /**
   * A stable name, e.g. "vfio-noiommu".
   */
  'name'?: (string);
  /**
   * How serious it is.
   */
  'severity'?: (_eniagent_v1_CheckSeverity);
  /**
   * What was found.
   */
  'message'?: (string);
  /**
   * What to do about it; empty when nothing.
   */
  'remedy'?: (string);
}

/**
 * One preflight finding.
 */
export interface Check__Output {
  /**
   * A stable name, e.g. "vfio-noiommu".
   */
  'name': (string);
  /**
   * How serious it is.
   */
  'severity': (_eniagent_v1_CheckSeverity__Output);
  /**
   * What was found.
   */
  'message': (string);
  /**
   * What to do about it; empty when nothing.
   */
  'remedy': (string);
}
