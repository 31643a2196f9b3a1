// Original file: proto/eniagent/v1/agent.proto

import type { Device as _eniagent_v1_Device, Device__Output as _eniagent_v1_Device__Output } from '../../eniagent/v1/Device.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

/**
 * Response of ListDevices.
 */
export interface ListDevicesResponse {
  /**
   * The devices, ordered by PCI address.
   */
  'devices'?: (_eniagent_v1_Device)[];
  /**
   * When sysfs was read for this answer (the start of the scan).
   */
  'observeTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * Response of ListDevices.
 */
export interface ListDevicesResponse__Output {
  /**
   * The devices, ordered by PCI address.
   */
  'devices': (_eniagent_v1_Device__Output)[];
  /**
   * When sysfs was read for this answer (the start of the scan).
   */
  'observeTime': (_google_protobuf_Timestamp__Output | null);
}
