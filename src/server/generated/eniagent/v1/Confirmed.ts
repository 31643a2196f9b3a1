// Original file: proto/eniagent/v1/agent.proto


/**
 * A bind on trial was confirmed: it is final.
 */
export interface Confirmed {
  /**
   * The bind's operation id.
   */
  'operationId'?: (string);
  /**
   * The device.
   */
  'pciAddress'?: (string);
  /**
   * "request" (ConfirmOperation) or "probe" (automatic confirmation).
   */
  'by'?: (string);
}

/**
 * A bind on trial was confirmed: it is final.
 */
export interface Confirmed__Output {
  /**
   * The bind's operation id.
   */
  'operationId': (string);
  /**
   * The device.
   */
  'pciAddress': (string);
  /**
   * "request" (ConfirmOperation) or "probe" (automatic confirmation).
   */
  'by': (string);
}
