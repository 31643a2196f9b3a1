// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto


export interface Mount {
  /**
   * Where it appears in the container.
   */
  'containerPath'?: (string);
  /**
   * Where it is on the host.
   */
  'hostPath'?: (string);
  'readOnly'?: (boolean);
}

export interface Mount__Output {
  /**
   * Where it appears in the container.
   */
  'containerPath': (string);
  /**
   * Where it is on the host.
   */
  'hostPath': (string);
  'readOnly': (boolean);
}
