// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto

import type { ContainerAllocateResponse as _v1beta1_ContainerAllocateResponse, ContainerAllocateResponse__Output as _v1beta1_ContainerAllocateResponse__Output } from '../v1beta1/ContainerAllocateResponse.js';

export interface AllocateResponse {
  /**
   * One entry per container, in the request's order.
   */
  'containerResponses'?: (_v1beta1_ContainerAllocateResponse)[];
}

export interface AllocateResponse__Output {
  /**
   * One entry per container, in the request's order.
   */
  'containerResponses': (_v1beta1_ContainerAllocateResponse__Output)[];
}
