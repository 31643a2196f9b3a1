// Original file: proto/eniagent/v1/agent.proto

import type { DeviceIdentity as _eniagent_v1_DeviceIdentity, DeviceIdentity__Output as _eniagent_v1_DeviceIdentity__Output } from '../../eniagent/v1/DeviceIdentity.js';

/**
 * A device disappeared.
 */
export interface DeviceRemoved {
  /**
   * Its PCI address.
   */
  'pciAddress'?: (string);
  /**
   * Its last recorded identity.
   */
  'identity'?: (_eniagent_v1_DeviceIdentity | null);
}

/**
 * A device disappeared.
 */
export interface DeviceRemoved__Output {
  /**
   * Its PCI address.
   */
  'pciAddress': (string);
  /**
   * Its last recorded identity.
   */
  'identity': (_eniagent_v1_DeviceIdentity__Output | null);
}
