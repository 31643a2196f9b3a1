// Original file: proto/eniagent/v1/agent.proto

import type { Device as _eniagent_v1_Device, Device__Output as _eniagent_v1_Device__Output } from '../../eniagent/v1/Device.js';

/**
 * Response of GetDevice.
 */
export interface GetDeviceResponse {
  /**
   * The device.
   */
  'device'?: (_eniagent_v1_Device | null);
}

/**
 * Response of GetDevice.
 */
export interface GetDeviceResponse__Output {
  /**
   * The device.
   */
  'device': (_eniagent_v1_Device__Output | null);
}
