// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto

import type { Long } from '@grpc/proto-loader';

export interface NUMANode {
  /**
   * The NUMA node number.
   */
  'ID'?: (number | string | Long);
}

export interface NUMANode__Output {
  /**
   * The NUMA node number.
   */
  'ID': (string);
}
