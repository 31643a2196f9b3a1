// Original file: proto/eniagent/v1/agent.proto

import type { ComponentHealth as _eniagent_v1_ComponentHealth, ComponentHealth__Output as _eniagent_v1_ComponentHealth__Output } from '../../eniagent/v1/ComponentHealth.js';

/**
 * The agent's health, as the gRPC health service reports it.
 */
export interface Health {
  /**
   * True when the agent accepts work (the journal is writable).
   */
  'serving'?: (boolean);
  /**
   * Each component's health.
   */
  'components'?: (_eniagent_v1_ComponentHealth)[];
}

/**
 * The agent's health, as the gRPC health service reports it.
 */
export interface Health__Output {
  /**
   * True when the agent accepts work (the journal is writable).
   */
  'serving': (boolean);
  /**
   * Each component's health.
   */
  'components': (_eniagent_v1_ComponentHealth__Output)[];
}
