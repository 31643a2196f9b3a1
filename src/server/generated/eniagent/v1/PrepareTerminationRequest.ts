// Original file: proto/eniagent/v1/agent.proto


/**
 * Request of PrepareTermination.
 */
export interface PrepareTerminationRequest {
  /**
   * Only compute the plan; change nothing.
   */
  'dryRun'?: (boolean);
}

/**
 * Request of PrepareTermination.
 */
export interface PrepareTerminationRequest__Output {
  /**
   * Only compute the plan; change nothing.
   */
  'dryRun': (boolean);
}
