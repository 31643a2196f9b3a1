// Original file: proto/eniagent/v1/agent.proto

/**
 * Where the wait of a bind on trial stands.
 */
export const ConfirmationState = {
  /**
   * Not set; never sent by the agent.
   */
  CONFIRMATION_STATE_UNSPECIFIED: 'CONFIRMATION_STATE_UNSPECIFIED',
  /**
   * Awaiting ConfirmOperation until the deadline.
   */
  CONFIRMATION_STATE_PENDING: 'CONFIRMATION_STATE_PENDING',
  /**
   * Confirmed: final.
   */
  CONFIRMATION_STATE_CONFIRMED: 'CONFIRMATION_STATE_CONFIRMED',
  /**
   * Not confirmed by the deadline: reverted by the operation in `by`.
   */
  CONFIRMATION_STATE_REVERTED: 'CONFIRMATION_STATE_REVERTED',
  /**
   * Another operation (in `by`) began on the device before the bind was
   * confirmed or reverted; the device is wherever that one left it.
   */
  CONFIRMATION_STATE_ENDED: 'CONFIRMATION_STATE_ENDED',
} as const;

/**
 * Where the wait of a bind on trial stands.
 */
export type ConfirmationState =
  /**
   * Not set; never sent by the agent.
   */
  | 'CONFIRMATION_STATE_UNSPECIFIED'
  | 0
  /**
   * Awaiting ConfirmOperation until the deadline.
   */
  | 'CONFIRMATION_STATE_PENDING'
  | 1
  /**
   * Confirmed: final.
   */
  | 'CONFIRMATION_STATE_CONFIRMED'
  | 2
  /**
   * Not confirmed by the deadline: reverted by the operation in `by`.
   */
  | 'CONFIRMATION_STATE_REVERTED'
  | 3
  /**
   * Another operation (in `by`) began on the device before the bind was
   * confirmed or reverted; the device is wherever that one left it.
   */
  | 'CONFIRMATION_STATE_ENDED'
  | 4

/**
 * Where the wait of a bind on trial stands.
 */
export type ConfirmationState__Output = typeof ConfirmationState[keyof typeof ConfirmationState]
