// Original file: proto/eniagent/v1/agent.proto


/**
 * Request of GetOperation.
 */
export interface GetOperationRequest {
  /**
   * The operation id: 1 to 128 characters of [A-Za-z0-9._-].
   */
  'operationId'?: (string);
}

/**
 * Request of GetOperation.
 */
export interface GetOperationRequest__Output {
  /**
   * The operation id: 1 to 128 characters of [A-Za-z0-9._-].
   */
  'operationId': (string);
}
