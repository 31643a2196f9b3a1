// Original file: proto/eniagent/v1/agent.proto

/**
 * Where a termination notice came from.
 */
export const TerminationSource = {
  /**
   * Not set; never sent by the agent.
   */
  TERMINATION_SOURCE_UNSPECIFIED: 'TERMINATION_SOURCE_UNSPECIFIED',
  /**
   * A spot interruption notice (spot/instance-action).
   */
  TERMINATION_SOURCE_SPOT_INTERRUPTION: 'TERMINATION_SOURCE_SPOT_INTERRUPTION',
  /**
   * A rebalance recommendation; termination may never follow.
   */
  TERMINATION_SOURCE_REBALANCE_RECOMMENDATION: 'TERMINATION_SOURCE_REBALANCE_RECOMMENDATION',
  /**
   * A scheduled maintenance event (retirement, stop, reboot).
   */
  TERMINATION_SOURCE_SCHEDULED_EVENT: 'TERMINATION_SOURCE_SCHEDULED_EVENT',
  /**
   * The Auto Scaling target lifecycle state became Terminated.
   */
  TERMINATION_SOURCE_AUTOSCALING: 'TERMINATION_SOURCE_AUTOSCALING',
  /**
   * A caller asked for it (PrepareTermination).
   */
  TERMINATION_SOURCE_MANUAL: 'TERMINATION_SOURCE_MANUAL',
} as const;

/**
 * Where a termination notice came from.
 */
export type TerminationSource =
  /**
   * Not set; never sent by the agent.
   */
  | 'TERMINATION_SOURCE_UNSPECIFIED'
  | 0
  /**
   * A spot interruption notice (spot/instance-action).
   */
  | 'TERMINATION_SOURCE_SPOT_INTERRUPTION'
  | 1
  /**
   * A rebalance recommendation; termination may never follow.
   */
  | 'TERMINATION_SOURCE_REBALANCE_RECOMMENDATION'
  | 2
  /**
   * A scheduled maintenance event (retirement, stop, reboot).
   */
  | 'TERMINATION_SOURCE_SCHEDULED_EVENT'
  | 3
  /**
   * The Auto Scaling target lifecycle state became Terminated.
   */
  | 'TERMINATION_SOURCE_AUTOSCALING'
  | 4
  /**
   * A caller asked for it (PrepareTermination).
   */
  | 'TERMINATION_SOURCE_MANUAL'
  | 5

/**
 * Where a termination notice came from.
 */
export type TerminationSource__Output = typeof TerminationSource[keyof typeof TerminationSource]
