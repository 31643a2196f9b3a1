// Original file: proto/eniagent/v1/agent.proto

/**
 * Where an operation stands.
 */
export const OperationStatus = {
  /**
   * Not set; never sent by the agent.
   */
  OPERATION_STATUS_UNSPECIFIED: 'OPERATION_STATUS_UNSPECIFIED',
  /**
   * Accepted, waiting for the device lock.
   */
  OPERATION_STATUS_PENDING: 'OPERATION_STATUS_PENDING',
  /**
   * Steps are being applied.
   */
  OPERATION_STATUS_RUNNING: 'OPERATION_STATUS_RUNNING',
  /**
   * The device reached the target state, verified.
   */
  OPERATION_STATUS_SUCCEEDED: 'OPERATION_STATUS_SUCCEEDED',
  /**
   * A step failed and the device is back in its snapshot state, verified.
   */
  OPERATION_STATUS_ROLLED_BACK: 'OPERATION_STATUS_ROLLED_BACK',
  /**
   * The operation failed before changing anything.
   */
  OPERATION_STATUS_FAILED: 'OPERATION_STATUS_FAILED',
  /**
   * Neither the target nor the snapshot could be verified: the device is
   * DEGRADED and under repair.
   */
  OPERATION_STATUS_DEGRADED: 'OPERATION_STATUS_DEGRADED',
  /**
   * A dry run: the steps were planned, nothing was written.
   */
  OPERATION_STATUS_PLANNED: 'OPERATION_STATUS_PLANNED',
  /**
   * A write outlived its deadline (blocked in the kernel); the operation
   * stays open until the agent resolves it.
   */
  OPERATION_STATUS_STUCK: 'OPERATION_STATUS_STUCK',
  /**
   * Found open at start-up (its end record lost) after a later operation
   * had begun on the same device: closed without being resolved, because
   * rolling it back would undo the later one. The device is wherever the
   * later operation left it.
   */
  OPERATION_STATUS_SUPERSEDED: 'OPERATION_STATUS_SUPERSEDED',
  /**
   * A bind on trial reached its target, verified, and awaits
   * ConfirmOperation until confirmation.deadline_time.
   */
  OPERATION_STATUS_AWAITING_CONFIRMATION: 'OPERATION_STATUS_AWAITING_CONFIRMATION',
  /**
   * A bind on trial was not confirmed by its deadline: the operation named
   * in confirmation.by restored the device (see that operation's status).
   */
  OPERATION_STATUS_REVERTED: 'OPERATION_STATUS_REVERTED',
} as const;

/**
 * Where an operation stands.
 */
export type OperationStatus =
  /**
   * Not set; never sent by the agent.
   */
  | 'OPERATION_STATUS_UNSPECIFIED'
  | 0
  /**
   * Accepted, waiting for the device lock.
   */
  | 'OPERATION_STATUS_PENDING'
  | 1
  /**
   * Steps are being applied.
   */
  | 'OPERATION_STATUS_RUNNING'
  | 2
  /**
   * The device reached the target state, verified.
   */
  | 'OPERATION_STATUS_SUCCEEDED'
  | 3
  /**
   * A step failed and the device is back in its snapshot state, verified.
   */
  | 'OPERATION_STATUS_ROLLED_BACK'
  | 4
  /**
   * The operation failed before changing anything.
   */
  | 'OPERATION_STATUS_FAILED'
  | 5
  /**
   * Neither the target nor the snapshot could be verified: the device is
   * DEGRADED and under repair.
   */
  | 'OPERATION_STATUS_DEGRADED'
  | 6
  /**
   * A dry run: the steps were planned, nothing was written.
   */
  | 'OPERATION_STATUS_PLANNED'
  | 7
  /**
   * A write outlived its deadline (blocked in the kernel); the operation
   * stays open until the agent resolves it.
   */
  | 'OPERATION_STATUS_STUCK'
  | 8
  /**
   * Found open at start-up (its end record lost) after a later operation
   * had begun on the same device: closed without being resolved, because
   * rolling it back would undo the later one. The device is wherever the
   * later operation left it.
   */
  | 'OPERATION_STATUS_SUPERSEDED'
  | 9
  /**
   * A bind on trial reached its target, verified, and awaits
   * ConfirmOperation until confirmation.deadline_time.
   */
  | 'OPERATION_STATUS_AWAITING_CONFIRMATION'
  | 10
  /**
   * A bind on trial was not confirmed by its deadline: the operation named
   * in confirmation.by restored the device (see that operation's status).
   */
  | 'OPERATION_STATUS_REVERTED'
  | 11

/**
 * Where an operation stands.
 */
export type OperationStatus__Output = typeof OperationStatus[keyof typeof OperationStatus]
