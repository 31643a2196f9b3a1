// Original file: proto/eniagent/v1/agent.proto


/**
 * The health of one part of the agent.
 */
export interface ComponentHealth {
  /**
   * "journal", "imds", "termination-watcher", ...; also a service name of
   * the gRPC health service.
   */
  'name'?: (string);
  /**
   * True when the component works.
   */
  'healthy'?: (boolean);
  /**
   * Why not, or what it last did, for people.
   */
  'detail'?: (string);
}

/**
 * The health of one part of the agent.
 */
export interface ComponentHealth__Output {
  /**
   * "journal", "imds", "termination-watcher", ...; also a service name of
   * the gRPC health service.
   */
  'name': (string);
  /**
   * True when the component works.
   */
  'healthy': (boolean);
  /**
   * Why not, or what it last did, for people.
   */
  'detail': (string);
}
