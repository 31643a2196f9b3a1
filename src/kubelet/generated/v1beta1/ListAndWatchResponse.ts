// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto

import type { Device as _v1beta1_Device, Device__Output as _v1beta1_Device__Output } from '../v1beta1/Device.js';

/**
 * One full list of the resource's devices.
 */
export interface ListAndWatchResponse {
  'devices'?: (_v1beta1_Device)[];
}

/**
 * One full list of the resource's devices.
 */
export interface ListAndWatchResponse__Output {
  'devices': (_v1beta1_Device__Output)[];
}
