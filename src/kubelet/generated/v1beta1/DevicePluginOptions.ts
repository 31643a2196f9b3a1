// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto


/**
 * What the plugin asks of kubelet's device manager.
 */
export interface DevicePluginOptions {
  /**
   * kubelet calls PreStartContainer before every container start.
   */
  'preStartRequired'?: (boolean);
  /**
   * kubelet calls GetPreferredAllocation before it picks devices.
   */
  'getPreferredAllocationAvailable'?: (boolean);
}

/**
 * What the plugin asks of kubelet's device manager.
 */
export interface DevicePluginOptions__Output {
  /**
   * kubelet calls PreStartContainer before every container start.
   */
  'preStartRequired': (boolean);
  /**
   * kubelet calls GetPreferredAllocation before it picks devices.
   */
  'getPreferredAllocationAvailable': (boolean);
}
