// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto

import type { TopologyInfo as _v1beta1_TopologyInfo, TopologyInfo__Output as _v1beta1_TopologyInfo__Output } from '../v1beta1/TopologyInfo.js';

export interface Device {
  /**
   * The plugin's name for the device (at most 63 characters); eni-agent uses
   * the PCI address.
   */
  'ID'?: (string);
  /**
   * "Healthy" or "Unhealthy".
   */
  'health'?: (string);
  /**
   * NUMA affinity; absent when the device has none.
   */
  'topology'?: (_v1beta1_TopologyInfo | null);
}

export interface Device__Output {
  /**
   * The plugin's name for the device (at most 63 characters); eni-agent uses
   * the PCI address.
   */
  'ID': (string);
  /**
   * "Healthy" or "Unhealthy".
   */
  'health': (string);
  /**
   * NUMA affinity; absent when the device has none.
   */
  'topology': (_v1beta1_TopologyInfo__Output | null);
}
