// Original file: proto/eniagent/v1/agent.proto

/**
 * How a release ended.
 */
export const ReleaseOutcome = {
  /**
   * Not set; never sent by the agent.
   */
  RELEASE_OUTCOME_UNSPECIFIED: 'RELEASE_OUTCOME_UNSPECIFIED',
  /**
   * The device is on its kernel driver: the controller may detach.
   */
  RELEASE_OUTCOME_SAFE_TO_DETACH: 'RELEASE_OUTCOME_SAFE_TO_DETACH',
  /**
   * The ENI is not attached to this instance: nothing to do.
   */
  RELEASE_OUTCOME_NOT_PRESENT: 'RELEASE_OUTCOME_NOT_PRESENT',
  /**
   * Mode DETACH_AND_DELETE: the agent also detached and deleted the ENI.
   */
  RELEASE_OUTCOME_DELETED: 'RELEASE_OUTCOME_DELETED',
} as const;

/**
 * How a release ended.
 */
export type ReleaseOutcome =
  /**
   * Not set; never sent by the agent.
   */
  | 'RELEASE_OUTCOME_UNSPECIFIED'
  | 0
  /**
   * The device is on its kernel driver: the controller may detach.
   */
  | 'RELEASE_OUTCOME_SAFE_TO_DETACH'
  | 1
  /**
   * The ENI is not attached to this instance: nothing to do.
   */
  | 'RELEASE_OUTCOME_NOT_PRESENT'
  | 2
  /**
   * Mode DETACH_AND_DELETE: the agent also detached and deleted the ENI.
   */
  | 'RELEASE_OUTCOME_DELETED'
  | 3

/**
 * How a release ended.
 */
export type ReleaseOutcome__Output = typeof ReleaseOutcome[keyof typeof ReleaseOutcome]
