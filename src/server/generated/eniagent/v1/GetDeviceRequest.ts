// Original file: proto/eniagent/v1/agent.proto

import type { DeviceSelector as _eniagent_v1_DeviceSelector, DeviceSelector__Output as _eniagent_v1_DeviceSelector__Output } from '../../eniagent/v1/DeviceSelector.js';

/**
 * Request of GetDevice.
 */
export interface GetDeviceRequest {
  /**
   * The device to return.
   */
  'selector'?: (_eniagent_v1_DeviceSelector | null);
}

/**
 * Request of GetDevice.
 */
export interface GetDeviceRequest__Output {
  /**
   * The device to return.
   */
  'selector': (_eniagent_v1_DeviceSelector__Output | null);
}
