// Original file: proto/eniagent/v1/agent.proto

/**
 * The kinds of events, for filtering WatchEvents.
 */
export const EventKind = {
  /**
   * Not set; never sent by the agent.
   */
  EVENT_KIND_UNSPECIFIED: 'EVENT_KIND_UNSPECIFIED',
  /**
   * A device appeared (hot-attach or discovery).
   */
  EVENT_KIND_DEVICE_ADDED: 'EVENT_KIND_DEVICE_ADDED',
  /**
   * A device disappeared (hot-detach).
   */
  EVENT_KIND_DEVICE_REMOVED: 'EVENT_KIND_DEVICE_REMOVED',
  /**
   * A device's bound driver changed.
   */
  EVENT_KIND_DRIVER_CHANGED: 'EVENT_KIND_DRIVER_CHANGED',
  /**
   * An operation advanced a step.
   */
  EVENT_KIND_OPERATION_PROGRESS: 'EVENT_KIND_OPERATION_PROGRESS',
  /**
   * An operation finished.
   */
  EVENT_KIND_OPERATION_RESULT: 'EVENT_KIND_OPERATION_RESULT',
  /**
   * A device differs from its persisted desired binding.
   */
  EVENT_KIND_DRIFT_FOUND: 'EVENT_KIND_DRIFT_FOUND',
  /**
   * Instance metadata announced a termination (or a risk of it).
   */
  EVENT_KIND_TERMINATION_NOTICE: 'EVENT_KIND_TERMINATION_NOTICE',
  /**
   * The termination plan was computed.
   */
  EVENT_KIND_TERMINATION_PLANNED: 'EVENT_KIND_TERMINATION_PLANNED',
  /**
   * An ENI was released (detached, deleted or marked DeleteOnTermination).
   */
  EVENT_KIND_ENI_RELEASED: 'EVENT_KIND_ENI_RELEASED',
  /**
   * The agent's health changed.
   */
  EVENT_KIND_HEALTH_CHANGED: 'EVENT_KIND_HEALTH_CHANGED',
  /**
   * A bind on trial committed and awaits confirmation.
   */
  EVENT_KIND_CONFIRMATION_PENDING: 'EVENT_KIND_CONFIRMATION_PENDING',
  /**
   * A bind on trial was confirmed.
   */
  EVENT_KIND_CONFIRMED: 'EVENT_KIND_CONFIRMED',
  /**
   * A bind on trial was not confirmed by its deadline and was reverted.
   */
  EVENT_KIND_REVERTED_UNCONFIRMED: 'EVENT_KIND_REVERTED_UNCONFIRMED',
  /**
   * An ENI of the controller contract changed phase (or observed generation).
   */
  EVENT_KIND_ENI_PHASE_CHANGED: 'EVENT_KIND_ENI_PHASE_CHANGED',
} as const;

/**
 * The kinds of events, for filtering WatchEvents.
 */
export type EventKind =
  /**
   * Not set; never sent by the agent.
   */
  | 'EVENT_KIND_UNSPECIFIED'
  | 0
  /**
   * A device appeared (hot-attach or discovery).
   */
  | 'EVENT_KIND_DEVICE_ADDED'
  | 1
  /**
   * A device disappeared (hot-detach).
   */
  | 'EVENT_KIND_DEVICE_REMOVED'
  | 2
  /**
   * A device's bound driver changed.
   */
  | 'EVENT_KIND_DRIVER_CHANGED'
  | 3
  /**
   * An operation advanced a step.
   */
  | 'EVENT_KIND_OPERATION_PROGRESS'
  | 4
  /**
   * An operation finished.
   */
  | 'EVENT_KIND_OPERATION_RESULT'
  | 5
  /**
   * A device differs from its persisted desired binding.
   */
  | 'EVENT_KIND_DRIFT_FOUND'
  | 6
  /**
   * Instance metadata announced a termination (or a risk of it).
   */
  | 'EVENT_KIND_TERMINATION_NOTICE'
  | 7
  /**
   * The termination plan was computed.
   */
  | 'EVENT_KIND_TERMINATION_PLANNED'
  | 8
  /**
   * An ENI was released (detached, deleted or marked DeleteOnTermination).
   */
  | 'EVENT_KIND_ENI_RELEASED'
  | 9
  /**
   * The agent's health changed.
   */
  | 'EVENT_KIND_HEALTH_CHANGED'
  | 10
  /**
   * A bind on trial committed and awaits confirmation.
   */
  | 'EVENT_KIND_CONFIRMATION_PENDING'
  | 11
  /**
   * A bind on trial was confirmed.
   */
  | 'EVENT_KIND_CONFIRMED'
  | 12
  /**
   * A bind on trial was not confirmed by its deadline and was reverted.
   */
  | 'EVENT_KIND_REVERTED_UNCONFIRMED'
  | 13
  /**
   * An ENI of the controller contract changed phase (or observed generation).
   */
  | 'EVENT_KIND_ENI_PHASE_CHANGED'
  | 14

/**
 * The kinds of events, for filtering WatchEvents.
 */
export type EventKind__Output = typeof EventKind[keyof typeof EventKind]
