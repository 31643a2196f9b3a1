// Original file: proto/eniagent/v1/agent.proto

/**
 * Where a device stands.
 */
export const DeviceState = {
  /**
   * Not set; never sent by the agent.
   */
  DEVICE_STATE_UNSPECIFIED: 'DEVICE_STATE_UNSPECIFIED',
  /**
   * Bound to the kernel network driver (ena); a netdev exists.
   */
  DEVICE_STATE_KERNEL: 'DEVICE_STATE_KERNEL',
  /**
   * Bound to a DPDK-capable driver (vfio-pci, uio_pci_generic, igb_uio).
   */
  DEVICE_STATE_DPDK: 'DEVICE_STATE_DPDK',
  /**
   * No driver is bound.
   */
  DEVICE_STATE_UNBOUND: 'DEVICE_STATE_UNBOUND',
  /**
   * An operation is moving the device right now.
   */
  DEVICE_STATE_TRANSITIONING: 'DEVICE_STATE_TRANSITIONING',
  /**
   * Neither the target nor the snapshot state could be verified; the agent
   * keeps the device under repair. state_detail says exactly what it found.
   */
  DEVICE_STATE_DEGRADED: 'DEVICE_STATE_DEGRADED',
  /**
   * A step blocks in the kernel (e.g. an unbind waiting for a process that
   * holds the device); state_detail names the holder when known.
   */
  DEVICE_STATE_STUCK: 'DEVICE_STATE_STUCK',
  /**
   * Bound to a driver the agent does not manage.
   */
  DEVICE_STATE_FOREIGN: 'DEVICE_STATE_FOREIGN',
} as const;

/**
 * Where a device stands.
 */
export type DeviceState =
  /**
   * Not set; never sent by the agent.
   */
  | 'DEVICE_STATE_UNSPECIFIED'
  | 0
  /**
   * Bound to the kernel network driver (ena); a netdev exists.
   */
  | 'DEVICE_STATE_KERNEL'
  | 1
  /**
   * Bound to a DPDK-capable driver (vfio-pci, uio_pci_generic, igb_uio).
   */
  | 'DEVICE_STATE_DPDK'
  | 2
  /**
   * No driver is bound.
   */
  | 'DEVICE_STATE_UNBOUND'
  | 3
  /**
   * An operation is moving the device right now.
   */
  | 'DEVICE_STATE_TRANSITIONING'
  | 4
  /**
   * Neither the target nor the snapshot state could be verified; the agent
   * keeps the device under repair. state_detail says exactly what it found.
   */
  | 'DEVICE_STATE_DEGRADED'
  | 5
  /**
   * A step blocks in the kernel (e.g. an unbind waiting for a process that
   * holds the device); state_detail names the holder when known.
   */
  | 'DEVICE_STATE_STUCK'
  | 6
  /**
   * Bound to a driver the agent does not manage.
   */
  | 'DEVICE_STATE_FOREIGN'
  | 7

/**
 * Where a device stands.
 */
export type DeviceState__Output = typeof DeviceState[keyof typeof DeviceState]
