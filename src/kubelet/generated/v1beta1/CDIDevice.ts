// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto


/**
 * A device named for the Container Device Interface; eni-agent sends none.
 */
export interface CDIDevice {
  /**
   * Fully qualified, "vendor.com/class=name".
   */
  'name'?: (string);
}

/**
 * A device named for the Container Device Interface; eni-agent sends none.
 */
export interface CDIDevice__Output {
  /**
   * Fully qualified, "vendor.com/class=name".
   */
  'name': (string);
}
