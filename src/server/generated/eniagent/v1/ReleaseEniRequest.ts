// Original file: proto/eniagent/v1/agent.proto


/**
 * Request of ReleaseEni.
 */
export interface ReleaseEniRequest {
  /**
   * ENI id.
   */
  'eniId'?: (string);
  /**
   * The owner of its intent.
   */
  'owner'?: (string);
  /**
   * Makes retries idempotent, as in PutEniIntentRequest.
   */
  'requestId'?: (string);
  /**
   * Release another owner's intent. Only on the agent's local
   * administrator socket. It never overrides a process holding the device.
   */
  'force'?: (boolean);
}

/**
 * Request of ReleaseEni.
 */
export interface ReleaseEniRequest__Output {
  /**
   * ENI id.
   */
  'eniId': (string);
  /**
   * The owner of its intent.
   */
  'owner': (string);
  /**
   * Makes retries idempotent, as in PutEniIntentRequest.
   */
  'requestId': (string);
  /**
   * Release another owner's intent. Only on the agent's local
   * administrator socket. It never overrides a process holding the device.
   */
  'force': (boolean);
}
