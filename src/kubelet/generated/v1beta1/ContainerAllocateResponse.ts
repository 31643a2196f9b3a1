// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto

import type { Mount as _v1beta1_Mount, Mount__Output as _v1beta1_Mount__Output } from '../v1beta1/Mount.js';
import type { DeviceSpec as _v1beta1_DeviceSpec, DeviceSpec__Output as _v1beta1_DeviceSpec__Output } from '../v1beta1/DeviceSpec.js';
import type { CDIDevice as _v1beta1_CDIDevice, CDIDevice__Output as _v1beta1_CDIDevice__Output } from '../v1beta1/CDIDevice.js';

export interface ContainerAllocateResponse {
  /**
   * Environment variables of the container.
   */
  'envs'?: ({[key: string]: string});
  /**
   * Host paths mounted into the container.
   */
  'mounts'?: (_v1beta1_Mount)[];
  /**
   * Device nodes created in the container.
   */
  'devices'?: (_v1beta1_DeviceSpec)[];
  /**
   * Annotations handed to the container runtime.
   */
  'annotations'?: ({[key: string]: string});
  /**
   * CDI devices of the container.
   */
  'cdiDevices'?: (_v1beta1_CDIDevice)[];
}

export interface ContainerAllocateResponse__Output {
  /**
   * Environment variables of the container.
   */
  'envs': ({[key: string]: string});
  /**
   * Host paths mounted into the container.
   */
  'mounts': (_v1beta1_Mount__Output)[];
  /**
   * Device nodes created in the container.
   */
  'devices': (_v1beta1_DeviceSpec__Output)[];
  /**
   * Annotations handed to the container runtime.
   */
  'annotations': ({[key: string]: string});
  /**
   * CDI devices of the container.
   */
  'cdiDevices': (_v1beta1_CDIDevice__Output)[];
}
