// Original file: proto/eniagent/v1/agent.proto

import type { Device as _eniagent_v1_Device, Device__Output as _eniagent_v1_Device__Output } from '../../eniagent/v1/Device.js';

/**
 * A device appeared.
 */
export interface DeviceAdded {
  /**
   * The device as first seen.
   */
  'device'?: (_eniagent_v1_Device | null);
}

/**
 * A device appeared.
 */
export interface DeviceAdded__Output {
  /**
   * The device as first seen.
   */
  'device': (_eniagent_v1_Device__Output | null);
}
