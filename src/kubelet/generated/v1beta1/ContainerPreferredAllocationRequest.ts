// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto


export interface ContainerPreferredAllocationRequest {
  /**
   * Devices kubelet may choose from.
   */
  'availableDeviceIDs'?: (string)[];
  /**
   * Devices the answer must contain.
   */
  'mustIncludeDeviceIDs'?: (string)[];
  /**
   * How many devices the answer names.
   */
  'allocationSize'?: (number);
}

export interface ContainerPreferredAllocationRequest__Output {
  /**
   * Devices kubelet may choose from.
   */
  'availableDeviceIDs': (string)[];
  /**
   * Devices the answer must contain.
   */
  'mustIncludeDeviceIDs': (string)[];
  /**
   * How many devices the answer names.
   */
  'allocationSize': (number);
}
