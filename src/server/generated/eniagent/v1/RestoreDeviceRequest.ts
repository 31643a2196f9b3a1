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
   * Restore even if a process holds the device's /dev/vfio node (guard
   * "device-in-use"; without force: FAILED_PRECONDITION naming the process).
   * The kernel asks the holder to release the device and the unbind waits
   * until it does; if that outlasts the agent's write deadline the call
   * fails with DEADLINE_EXCEEDED, the device is STUCK, and the operation is
   * resolved (rolled back when the unbind returned too late to finish) once
   * the holder lets go. Never skips verification or rollback.
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
   * Restore even if a process holds the device's /dev/vfio node (guard
   * "device-in-use"; without force: FAILED_PRECONDITION naming the process).
   * The kernel asks the holder to release the device and the unbind waits
   * until it does; if that outlasts the agent's write deadline the call
   * fails with DEADLINE_EXCEEDED, the device is STUCK, and the operation is
   * resolved (rolled back when the unbind returned too late to finish) once
   * the holder lets go. Never skips verification or rollback.
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
