// Original file: proto/eniagent/v1/agent.proto


/**
 * A device differs from its persisted desired binding.
 */
export interface DriftFound {
  /**
   * The device.
   */
  'pciAddress'?: (string);
  /**
   * The desired driver.
   */
  'expectedDriver'?: (string);
  /**
   * The bound driver; unset when none.
   */
  'actualDriver'?: (string);
  /**
   * What the agent will do about it, for people.
   */
  'detail'?: (string);
  '_actualDriver'?: "actualDriver";
}

/**
 * A device differs from its persisted desired binding.
 */
export interface DriftFound__Output {
  /**
   * The device.
   */
  'pciAddress': (string);
  /**
   * The desired driver.
   */
  'expectedDriver': (string);
  /**
   * The bound driver; unset when none.
   */
  'actualDriver'?: (string);
  /**
   * What the agent will do about it, for people.
   */
  'detail': (string);
  '_actualDriver'?: "actualDriver";
}
