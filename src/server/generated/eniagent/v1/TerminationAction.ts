// Original file: proto/eniagent/v1/agent.proto

/**
 * What the termination plan does to one ENI.
 */
export const TerminationAction = {
  /**
   * Not set; never sent by the agent.
   */
  TERMINATION_ACTION_UNSPECIFIED: 'TERMINATION_ACTION_UNSPECIFIED',
  /**
   * Return the device to the kernel driver.
   */
  TERMINATION_ACTION_RESTORE_KERNEL_DRIVER: 'TERMINATION_ACTION_RESTORE_KERNEL_DRIVER',
  /**
   * Detach the ENI from the instance.
   */
  TERMINATION_ACTION_DETACH: 'TERMINATION_ACTION_DETACH',
  /**
   * Delete the ENI (only ENIs the agent owns).
   */
  TERMINATION_ACTION_DELETE: 'TERMINATION_ACTION_DELETE',
  /**
   * Mark the attachment DeleteOnTermination so EC2 deletes it.
   */
  TERMINATION_ACTION_SET_DELETE_ON_TERMINATION: 'TERMINATION_ACTION_SET_DELETE_ON_TERMINATION',
  /**
   * Leave the ENI alone (primary, not owned, requester-managed).
   */
  TERMINATION_ACTION_SKIP: 'TERMINATION_ACTION_SKIP',
} as const;

/**
 * What the termination plan does to one ENI.
 */
export type TerminationAction =
  /**
   * Not set; never sent by the agent.
   */
  | 'TERMINATION_ACTION_UNSPECIFIED'
  | 0
  /**
   * Return the device to the kernel driver.
   */
  | 'TERMINATION_ACTION_RESTORE_KERNEL_DRIVER'
  | 1
  /**
   * Detach the ENI from the instance.
   */
  | 'TERMINATION_ACTION_DETACH'
  | 2
  /**
   * Delete the ENI (only ENIs the agent owns).
   */
  | 'TERMINATION_ACTION_DELETE'
  | 3
  /**
   * Mark the attachment DeleteOnTermination so EC2 deletes it.
   */
  | 'TERMINATION_ACTION_SET_DELETE_ON_TERMINATION'
  | 4
  /**
   * Leave the ENI alone (primary, not owned, requester-managed).
   */
  | 'TERMINATION_ACTION_SKIP'
  | 5

/**
 * What the termination plan does to one ENI.
 */
export type TerminationAction__Output = typeof TerminationAction[keyof typeof TerminationAction]
