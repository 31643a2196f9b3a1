// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto

import type { ContainerAllocateRequest as _v1beta1_ContainerAllocateRequest, ContainerAllocateRequest__Output as _v1beta1_ContainerAllocateRequest__Output } from '../v1beta1/ContainerAllocateRequest.js';

export interface AllocateRequest {
  /**
   * One entry per container.
   */
  'containerRequests'?: (_v1beta1_ContainerAllocateRequest)[];
}

export interface AllocateRequest__Output {
  /**
   * One entry per container.
   */
  'containerRequests': (_v1beta1_ContainerAllocateRequest__Output)[];
}
