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
   * The driver before; empty when none.
   */
  'fromDriver'?: (string);
  /**
   * The driver now; empty when none.
   */
  'toDriver'?: (string);
  /**
   * The operation that changed it; empty when something else did.
   */
  'operationId'?: (string);
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
   * The driver before; empty when none.
   */
  'fromDriver': (string);
  /**
   * The driver now; empty when none.
   */
  'toDriver': (string);
  /**
   * The operation that changed it; empty when something else did.
   */
  'operationId': (string);
}
