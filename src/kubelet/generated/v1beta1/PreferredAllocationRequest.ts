// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto

import type { ContainerPreferredAllocationRequest as _v1beta1_ContainerPreferredAllocationRequest, ContainerPreferredAllocationRequest__Output as _v1beta1_ContainerPreferredAllocationRequest__Output } from '../v1beta1/ContainerPreferredAllocationRequest.js';

export interface PreferredAllocationRequest {
  /**
   * One entry per container.
   */
  'containerRequests'?: (_v1beta1_ContainerPreferredAllocationRequest)[];
}

export interface PreferredAllocationRequest__Output {
  /**
   * One entry per container.
   */
  'containerRequests': (_v1beta1_ContainerPreferredAllocationRequest__Output)[];
}
