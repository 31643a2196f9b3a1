// Original file: proto/eniagent/v1/agent.proto


/**
 * A device's bound driver changed.
 */
export interface DriverChanged {
  /**
   * The device.
   */
  'pciAddress'?: (string);
  /**
   * The driver before; unset when none.
   */
  'fromDriver'?: (string);
  /**
   * The driver now; unset when none.
   */
  'toDriver'?: (string);
  /**
   * The operation that changed it; unset when something else did.
   */
  'operationId'?: (string);
  '_fromDriver'?: "fromDriver";
  '_toDriver'?: "toDriver";
  '_operationId'?: "operationId";
}

/**
 * A device's bound driver changed.
 */
export interface DriverChanged__Output {
  /**
   * The device.
   */
  'pciAddress': (string);
  /**
   * The driver before; unset when none.
   */
  'fromDriver'?: (string);
  /**
   * The driver now; unset when none.
   */
  'toDriver'?: (string);
  /**
   * The operation that changed it; unset when something else did.
   */
  'operationId'?: (string);
  '_fromDriver'?: "fromDriver";
  '_toDriver'?: "toDriver";
  '_operationId'?: "operationId";
}
