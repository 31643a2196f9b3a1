// Original file: proto/kubelet/podresources/v1/pod_resources.proto

import type { TopologyInfo as _v1_TopologyInfo, TopologyInfo__Output as _v1_TopologyInfo__Output } from '../v1/TopologyInfo.js';

export interface ContainerDevices {
  /**
   * The extended resource name the devices were allocated under.
   */
  'resourceName'?: (string);
  /**
   * The device plugin's ids of the devices.
   */
  'deviceIds'?: (string)[];
  'topology'?: (_v1_TopologyInfo | null);
}

export interface ContainerDevices__Output {
  /**
   * The extended resource name the devices were allocated under.
   */
  'resourceName': (string);
  /**
   * The device plugin's ids of the devices.
   */
  'deviceIds': (string)[];
  'topology': (_v1_TopologyInfo__Output | null);
}
