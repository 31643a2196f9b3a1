// Original file: proto/eniagent/v1/agent.proto


/**
 * A process that holds a device node of the device open.
 */
export interface DeviceHolder {
  /**
   * Process id.
   */
  'pid'?: (number);
  /**
   * Command name of the process.
   */
  'command'?: (string);
  /**
   * The device node it holds, e.g. "/dev/vfio/noiommu-0".
   */
  'node'?: (string);
}

/**
 * A process that holds a device node of the device open.
 */
export interface DeviceHolder__Output {
  /**
   * Process id.
   */
  'pid': (number);
  /**
   * Command name of the process.
   */
  'command': (string);
  /**
   * The device node it holds, e.g. "/dev/vfio/noiommu-0".
   */
  'node': (string);
}
