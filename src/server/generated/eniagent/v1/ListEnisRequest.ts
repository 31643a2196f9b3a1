// Original file: proto/eniagent/v1/agent.proto


/**
 * Request of ListEnis.
 */
export interface ListEnisRequest {
  /**
   * Only this owner's ENIs; empty for all.
   */
  'owner'?: (string);
}

/**
 * Request of ListEnis.
 */
export interface ListEnisRequest__Output {
  /**
   * Only this owner's ENIs; empty for all.
   */
  'owner': (string);
}
