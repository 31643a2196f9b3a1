// Original file: proto/eniagent/v1/agent.proto

import type { Device as _eniagent_v1_Device, Device__Output as _eniagent_v1_Device__Output } from '../../eniagent/v1/Device.js';

/**
 * Response of ListDevices.
 */
export interface ListDevicesResponse {
  /**
   * The devices, ordered by PCI address.
   */
  'devices'?: (_eniagent_v1_Device)[];
}

/**
 * Response of ListDevices.
 */
export interface ListDevicesResponse__Output {
  /**
   * The devices, ordered by PCI address.
   */
  'devices': (_eniagent_v1_Device__Output)[];
}
