// Original file: proto/eniagent/v1/agent.proto

import type { Health as _eniagent_v1_Health, Health__Output as _eniagent_v1_Health__Output } from '../../eniagent/v1/Health.js';

/**
 * The agent's health changed.
 */
export interface HealthChanged {
  /**
   * The health now.
   */
  'health'?: (_eniagent_v1_Health | null);
}

/**
 * The agent's health changed.
 */
export interface HealthChanged__Output {
  /**
   * The health now.
   */
  'health': (_eniagent_v1_Health__Output | null);
}
