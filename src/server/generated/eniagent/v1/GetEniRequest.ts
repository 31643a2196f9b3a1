// Original file: proto/eniagent/v1/agent.proto


/**
 * Request of GetEni.
 */
export interface GetEniRequest {
  /**
   * ENI id.
   */
  'eniId'?: (string);
}

/**
 * Request of GetEni.
 */
export interface GetEniRequest__Output {
  /**
   * ENI id.
   */
  'eniId': (string);
}
