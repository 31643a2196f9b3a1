// Original file: proto/eniagent/v1/agent.proto

/**
 * Where an ENI stands in the controller contract.
 */
export const EniPhase = {
  /**
   * Not set; never sent by the agent.
   */
  ENI_PHASE_UNSPECIFIED: 'ENI_PHASE_UNSPECIFIED',
  /**
   * The intent is stored; the ENI is not attached to this instance yet.
   */
  ENI_PHASE_PENDING_ATTACH: 'ENI_PHASE_PENDING_ATTACH',
  /**
   * The ENI is present and its device is being moved to the intent's driver.
   */
  ENI_PHASE_BINDING: 'ENI_PHASE_BINDING',
  /**
   * The device is on the intent's driver (verified).
   */
  ENI_PHASE_BOUND: 'ENI_PHASE_BOUND',
  /**
   * A release runs (or waits for a holder to exit).
   */
  ENI_PHASE_RELEASING: 'ENI_PHASE_RELEASING',
  /**
   * Released; the device is on its kernel driver: detaching is safe.
   */
  ENI_PHASE_SAFE_TO_DETACH: 'ENI_PHASE_SAFE_TO_DETACH',
  /**
   * Released, and the ENI is gone from this host.
   */
  ENI_PHASE_RELEASED: 'ENI_PHASE_RELEASED',
  /**
   * Applying the intent failed (detail and error say why), or a released
   * ENI was bound again outside the contract.
   */
  ENI_PHASE_FAILED: 'ENI_PHASE_FAILED',
} as const;

/**
 * Where an ENI stands in the controller contract.
 */
export type EniPhase =
  /**
   * Not set; never sent by the agent.
   */
  | 'ENI_PHASE_UNSPECIFIED'
  | 0
  /**
   * The intent is stored; the ENI is not attached to this instance yet.
   */
  | 'ENI_PHASE_PENDING_ATTACH'
  | 1
  /**
   * The ENI is present and its device is being moved to the intent's driver.
   */
  | 'ENI_PHASE_BINDING'
  | 2
  /**
   * The device is on the intent's driver (verified).
   */
  | 'ENI_PHASE_BOUND'
  | 3
  /**
   * A release runs (or waits for a holder to exit).
   */
  | 'ENI_PHASE_RELEASING'
  | 4
  /**
   * Released; the device is on its kernel driver: detaching is safe.
   */
  | 'ENI_PHASE_SAFE_TO_DETACH'
  | 5
  /**
   * Released, and the ENI is gone from this host.
   */
  | 'ENI_PHASE_RELEASED'
  | 6
  /**
   * Applying the intent failed (detail and error say why), or a released
   * ENI was bound again outside the contract.
   */
  | 'ENI_PHASE_FAILED'
  | 7

/**
 * Where an ENI stands in the controller contract.
 */
export type EniPhase__Output = typeof EniPhase[keyof typeof EniPhase]
