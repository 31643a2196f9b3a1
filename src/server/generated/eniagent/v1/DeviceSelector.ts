// Original file: proto/eniagent/v1/agent.proto


/**
 * Names one device. Exactly one field must be set.
 */
export interface DeviceSelector {
  /**
   * PCI address "dddd:bb:dd.f" (or "bb:dd.f" for domain 0000).
   */
  'pciAddress'?: (string);
  /**
   * Kernel interface name, e.g. "ens6" (only while the kernel owns it, or
   * as recorded when the agent took it).
   */
  'interfaceName'?: (string);
  /**
   * MAC address "aa:bb:cc:dd:ee:ff".
   */
  'macAddress'?: (string);
  /**
   * ENI id "eni-" followed by 8 or 17 hex digits.
   */
  'eniId'?: (string);
  /**
   * The way the device is named.
   */
  'selector'?: "pciAddress"|"interfaceName"|"macAddress"|"eniId";
}

/**
 * Names one device. Exactly one field must be set.
 */
export interface DeviceSelector__Output {
  /**
   * PCI address "dddd:bb:dd.f" (or "bb:dd.f" for domain 0000).
   */
  'pciAddress'?: (string);
  /**
   * Kernel interface name, e.g. "ens6" (only while the kernel owns it, or
   * as recorded when the agent took it).
   */
  'interfaceName'?: (string);
  /**
   * MAC address "aa:bb:cc:dd:ee:ff".
   */
  'macAddress'?: (string);
  /**
   * ENI id "eni-" followed by 8 or 17 hex digits.
   */
  'eniId'?: (string);
  /**
   * The way the device is named.
   */
  'selector'?: "pciAddress"|"interfaceName"|"macAddress"|"eniId";
}
