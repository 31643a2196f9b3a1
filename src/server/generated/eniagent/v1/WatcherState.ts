// Original file: proto/eniagent/v1/agent.proto

/**
 * The state of the termination watcher.
 */
export const WatcherState = {
  /**
   * Not set; never sent by the agent.
   */
  WATCHER_STATE_UNSPECIFIED: 'WATCHER_STATE_UNSPECIFIED',
  /**
   * Polling metadata.
   */
  WATCHER_STATE_RUNNING: 'WATCHER_STATE_RUNNING',
  /**
   * Disabled by configuration.
   */
  WATCHER_STATE_DISABLED: 'WATCHER_STATE_DISABLED',
  /**
   * Polling, but the last polls failed.
   */
  WATCHER_STATE_FAILING: 'WATCHER_STATE_FAILING',
  /**
   * A notice was seen; the plan is running or done.
   */
  WATCHER_STATE_TRIGGERED: 'WATCHER_STATE_TRIGGERED',
} as const;

/**
 * The state of the termination watcher.
 */
export type WatcherState =
  /**
   * Not set; never sent by the agent.
   */
  | 'WATCHER_STATE_UNSPECIFIED'
  | 0
  /**
   * Polling metadata.
   */
  | 'WATCHER_STATE_RUNNING'
  | 1
  /**
   * Disabled by configuration.
   */
  | 'WATCHER_STATE_DISABLED'
  | 2
  /**
   * Polling, but the last polls failed.
   */
  | 'WATCHER_STATE_FAILING'
  | 3
  /**
   * A notice was seen; the plan is running or done.
   */
  | 'WATCHER_STATE_TRIGGERED'
  | 4

/**
 * The state of the termination watcher.
 */
export type WatcherState__Output = typeof WatcherState[keyof typeof WatcherState]
