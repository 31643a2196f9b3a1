// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto

import type { ContainerPreferredAllocationResponse as _v1beta1_ContainerPreferredAllocationResponse, ContainerPreferredAllocationResponse__Output as _v1beta1_ContainerPreferredAllocationResponse__Output } from '../v1beta1/ContainerPreferredAllocationResponse.js';

export interface PreferredAllocationResponse {
  /**
   * One entry per container, in the request's order.
   */
  'containerResponses'?: (_v1beta1_ContainerPreferredAllocationResponse)[];
}

export interface PreferredAllocationResponse__Output {
  /**
   * One entry per container, in the request's order.
   */
  'containerResponses': (_v1beta1_ContainerPreferredAllocationResponse__Output)[];
}
