// Original file: proto/eniagent/v1/agent.proto

/**
 * Where one step of an operation stands.
 */
export const StepStatus = {
  /**
   * Not set; never sent by the agent.
   */
  STEP_STATUS_UNSPECIFIED: 'STEP_STATUS_UNSPECIFIED',
  /**
   * Not started.
   */
  STEP_STATUS_PENDING: 'STEP_STATUS_PENDING',
  /**
   * Being applied.
   */
  STEP_STATUS_RUNNING: 'STEP_STATUS_RUNNING',
  /**
   * Applied and checked.
   */
  STEP_STATUS_DONE: 'STEP_STATUS_DONE',
  /**
   * Failed; the error is on the operation.
   */
  STEP_STATUS_FAILED: 'STEP_STATUS_FAILED',
  /**
   * Applied, then reverted by the rollback.
   */
  STEP_STATUS_UNDONE: 'STEP_STATUS_UNDONE',
  /**
   * Not needed (the device was already in that state).
   */
  STEP_STATUS_SKIPPED: 'STEP_STATUS_SKIPPED',
} as const;

/**
 * Where one step of an operation stands.
 */
export type StepStatus =
  /**
   * Not set; never sent by the agent.
   */
  | 'STEP_STATUS_UNSPECIFIED'
  | 0
  /**
   * Not started.
   */
  | 'STEP_STATUS_PENDING'
  | 1
  /**
   * Being applied.
   */
  | 'STEP_STATUS_RUNNING'
  | 2
  /**
   * Applied and checked.
   */
  | 'STEP_STATUS_DONE'
  | 3
  /**
   * Failed; the error is on the operation.
   */
  | 'STEP_STATUS_FAILED'
  | 4
  /**
   * Applied, then reverted by the rollback.
   */
  | 'STEP_STATUS_UNDONE'
  | 5
  /**
   * Not needed (the device was already in that state).
   */
  | 'STEP_STATUS_SKIPPED'
  | 6

/**
 * Where one step of an operation stands.
 */
export type StepStatus__Output = typeof StepStatus[keyof typeof StepStatus]
