// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto

import type { NUMANode as _v1beta1_NUMANode, NUMANode__Output as _v1beta1_NUMANode__Output } from '../v1beta1/NUMANode.js';

/**
 * NUMA affinity of a device.
 */
export interface TopologyInfo {
  'nodes'?: (_v1beta1_NUMANode)[];
}

/**
 * NUMA affinity of a device.
 */
export interface TopologyInfo__Output {
  'nodes': (_v1beta1_NUMANode__Output)[];
}
