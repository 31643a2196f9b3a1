// Original file: proto/eniagent/v1/agent.proto

import type { DeviceSelector as _eniagent_v1_DeviceSelector, DeviceSelector__Output as _eniagent_v1_DeviceSelector__Output } from '../../eniagent/v1/DeviceSelector.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';

/**
 * Request of BindDevice.
 */
export interface BindDeviceRequest {
  /**
   * The device to bind.
   */
  'selector'?: (_eniagent_v1_DeviceSelector | null);
  /**
   * The target driver: "vfio-pci", "uio_pci_generic", "igb_uio" or "ena",
   * within the agent's configured allowlist.
   */
  'driver'?: (string);
  /**
   * Skip the guards that may be skipped: the management interface, an
   * interface in use, an unknown device, and, leaving vfio-pci, a process
   * holding the device (guard "device-in-use": the unbind then waits for it
   * to let go, as RestoreDeviceRequest.force says). Never the driver
   * allowlist; never skips verification or rollback.
   */
  'force'?: (boolean);
  /**
   * Plan and guard only: return the steps without writing anything.
   */
  'dryRun'?: (boolean);
  /**
   * Also record the binding as desired, re-applied after a reboot or when
   * the ENI is attached again.
   */
  'persist'?: (boolean);
  /**
   * A bind on trial when set: once committed, the operation awaits
   * ConfirmOperation (status AWAITING_CONFIRMATION) for this long, and the
   * agent restores the device to its kernel driver (the same verified
   * transaction as RestoreDevice) when no confirmation comes in time; the
   * deadline survives a restart of the agent. From 1 s to 24 h, whole
   * milliseconds; INVALID_ARGUMENT otherwise. Unset: an ordinary bind.
   */
  'confirmWithin'?: (_google_protobuf_Duration | null);
}

/**
 * Request of BindDevice.
 */
export interface BindDeviceRequest__Output {
  /**
   * The device to bind.
   */
  'selector': (_eniagent_v1_DeviceSelector__Output | null);
  /**
   * The target driver: "vfio-pci", "uio_pci_generic", "igb_uio" or "ena",
   * within the agent's configured allowlist.
   */
  'driver': (string);
  /**
   * Skip the guards that may be skipped: the management interface, an
   * interface in use, an unknown device, and, leaving vfio-pci, a process
   * holding the device (guard "device-in-use": the unbind then waits for it
   * to let go, as RestoreDeviceRequest.force says). Never the driver
   * allowlist; never skips verification or rollback.
   */
  'force': (boolean);
  /**
   * Plan and guard only: return the steps without writing anything.
   */
  'dryRun': (boolean);
  /**
   * Also record the binding as desired, re-applied after a reboot or when
   * the ENI is attached again.
   */
  'persist': (boolean);
  /**
   * A bind on trial when set: once committed, the operation awaits
   * ConfirmOperation (status AWAITING_CONFIRMATION) for this long, and the
   * agent restores the device to its kernel driver (the same verified
   * transaction as RestoreDevice) when no confirmation comes in time; the
   * deadline survives a restart of the agent. From 1 s to 24 h, whole
   * milliseconds; INVALID_ARGUMENT otherwise. Unset: an ordinary bind.
   */
  'confirmWithin': (_google_protobuf_Duration__Output | null);
}
