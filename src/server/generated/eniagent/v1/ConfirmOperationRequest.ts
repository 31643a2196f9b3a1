// Original file: proto/eniagent/v1/agent.proto


/**
 * Request of ConfirmOperation.
 */
export interface ConfirmOperationRequest {
  /**
   * The operation id of the bind on trial: 1 to 128 characters of
   * [A-Za-z0-9._-].
   */
  'operationId'?: (string);
}

/**
 * Request of ConfirmOperation.
 */
export interface ConfirmOperationRequest__Output {
  /**
   * The operation id of the bind on trial: 1 to 128 characters of
   * [A-Za-z0-9._-].
   */
  'operationId': (string);
}
