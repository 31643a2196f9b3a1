// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto


export interface DeviceSpec {
  /**
   * Where the node appears in the container.
   */
  'containerPath'?: (string);
  /**
   * The node on the host.
   */
  'hostPath'?: (string);
  /**
   * Device cgroup access: any of "r", "w" and "m" (create nodes).
   */
  'permissions'?: (string);
}

export interface DeviceSpec__Output {
  /**
   * Where the node appears in the container.
   */
  'containerPath': (string);
  /**
   * The node on the host.
   */
  'hostPath': (string);
  /**
   * Device cgroup access: any of "r", "w" and "m" (create nodes).
   */
  'permissions': (string);
}
