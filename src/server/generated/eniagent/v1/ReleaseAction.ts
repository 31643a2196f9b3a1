// Original file: proto/eniagent/v1/agent.proto

/**
 * How an ENI was released.
 */
export const ReleaseAction = {
  /**
   * Not set; never sent by the agent.
   */
  RELEASE_ACTION_UNSPECIFIED: 'RELEASE_ACTION_UNSPECIFIED',
  /**
   * Detached from the instance.
   */
  RELEASE_ACTION_DETACHED: 'RELEASE_ACTION_DETACHED',
  /**
   * Deleted.
   */
  RELEASE_ACTION_DELETED: 'RELEASE_ACTION_DELETED',
  /**
   * Marked DeleteOnTermination.
   */
  RELEASE_ACTION_DELETE_ON_TERMINATION_SET: 'RELEASE_ACTION_DELETE_ON_TERMINATION_SET',
} as const;

/**
 * How an ENI was released.
 */
export type ReleaseAction =
  /**
   * Not set; never sent by the agent.
   */
  | 'RELEASE_ACTION_UNSPECIFIED'
  | 0
  /**
   * Detached from the instance.
   */
  | 'RELEASE_ACTION_DETACHED'
  | 1
  /**
   * Deleted.
   */
  | 'RELEASE_ACTION_DELETED'
  | 2
  /**
   * Marked DeleteOnTermination.
   */
  | 'RELEASE_ACTION_DELETE_ON_TERMINATION_SET'
  | 3

/**
 * How an ENI was released.
 */
export type ReleaseAction__Output = typeof ReleaseAction[keyof typeof ReleaseAction]
