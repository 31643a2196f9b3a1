// Original file: proto/eniagent/v1/agent.proto

import type { DeviceSelector as _eniagent_v1_DeviceSelector, DeviceSelector__Output as _eniagent_v1_DeviceSelector__Output } from '../../eniagent/v1/DeviceSelector.js';

/**
 * Request of RestoreDevice.
 */
export interface RestoreDeviceRequest {
  /**
   * The device to return to the kernel.
   */
  'selector'?: (_eniagent_v1_DeviceSelector | null);
  /**
   * Skip the guards that may be skipped. Never skips verification.
   */
  'force'?: (boolean);
  /**
   * Plan and guard only: return the steps without writing anything.
   */
  'dryRun'?: (boolean);
  /**
   * Also forget the persisted desired binding of the device.
   */
  'persist'?: (boolean);
}

/**
 * Request of RestoreDevice.
 */
export interface RestoreDeviceRequest__Output {
  /**
   * The device to return to the kernel.
   */
  'selector': (_eniagent_v1_DeviceSelector__Output | null);
  /**
   * Skip the guards that may be skipped. Never skips verification.
   */
  'force': (boolean);
  /**
   * Plan and guard only: return the steps without writing anything.
   */
  'dryRun': (boolean);
  /**
   * Also forget the persisted desired binding of the device.
   */
  'persist': (boolean);
}
