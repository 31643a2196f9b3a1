// Original file: proto/eniagent/v1/agent.proto

/**
 * What an operation does.
 */
export const OperationKind = {
  /**
   * Not set; never sent by the agent.
   */
  OPERATION_KIND_UNSPECIFIED: 'OPERATION_KIND_UNSPECIFIED',
  /**
   * Bind a device to a driver.
   */
  OPERATION_KIND_BIND: 'OPERATION_KIND_BIND',
  /**
   * Return a device to its kernel driver.
   */
  OPERATION_KIND_RESTORE: 'OPERATION_KIND_RESTORE',
  /**
   * Return a DEGRADED device, or the device of an unfinished journal entry
   * found at start-up, to a verified state.
   */
  OPERATION_KIND_REPAIR: 'OPERATION_KIND_REPAIR',
  /**
   * Run the termination plan.
   */
  OPERATION_KIND_TERMINATION: 'OPERATION_KIND_TERMINATION',
  /**
   * Re-apply a persisted binding (after a reboot or hot-attach).
   */
  OPERATION_KIND_REAPPLY: 'OPERATION_KIND_REAPPLY',
} as const;

/**
 * What an operation does.
 */
export type OperationKind =
  /**
   * Not set; never sent by the agent.
   */
  | 'OPERATION_KIND_UNSPECIFIED'
  | 0
  /**
   * Bind a device to a driver.
   */
  | 'OPERATION_KIND_BIND'
  | 1
  /**
   * Return a device to its kernel driver.
   */
  | 'OPERATION_KIND_RESTORE'
  | 2
  /**
   * Return a DEGRADED device, or the device of an unfinished journal entry
   * found at start-up, to a verified state.
   */
  | 'OPERATION_KIND_REPAIR'
  | 3
  /**
   * Run the termination plan.
   */
  | 'OPERATION_KIND_TERMINATION'
  | 4
  /**
   * Re-apply a persisted binding (after a reboot or hot-attach).
   */
  | 'OPERATION_KIND_REAPPLY'
  | 5

/**
 * What an operation does.
 */
export type OperationKind__Output = typeof OperationKind[keyof typeof OperationKind]
