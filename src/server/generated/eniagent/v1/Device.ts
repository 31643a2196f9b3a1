// Original file: proto/eniagent/v1/agent.proto

import type { DeviceState as _eniagent_v1_DeviceState, DeviceState__Output as _eniagent_v1_DeviceState__Output } from '../../eniagent/v1/DeviceState.js';
import type { DeviceIdentity as _eniagent_v1_DeviceIdentity, DeviceIdentity__Output as _eniagent_v1_DeviceIdentity__Output } from '../../eniagent/v1/DeviceIdentity.js';
import type { DeviceHolder as _eniagent_v1_DeviceHolder, DeviceHolder__Output as _eniagent_v1_DeviceHolder__Output } from '../../eniagent/v1/DeviceHolder.js';

/**
 * One ENA PCI device and what the agent knows about it.
 */
export interface Device {
  /**
   * PCI address "dddd:bb:dd.f", lower case.
   */
  'pciAddress'?: (string);
  /**
   * PCI vendor id, 4 lower-case hex digits ("1d0f" for ENA).
   */
  'vendorId'?: (string);
  /**
   * PCI device id, 4 lower-case hex digits (e.g. "ec20").
   */
  'deviceId'?: (string);
  /**
   * The bound driver; unset when none.
   */
  'driver'?: (string);
  /**
   * The driver_override attribute; unset when not set.
   */
  'driverOverride'?: (string);
  /**
   * Where the device stands.
   */
  'state'?: (_eniagent_v1_DeviceState);
  /**
   * Why the device is DEGRADED, STUCK or FOREIGN; unset otherwise.
   */
  'stateDetail'?: (string);
  /**
   * The recorded identity of the ENI.
   */
  'identity'?: (_eniagent_v1_DeviceIdentity | null);
  /**
   * NUMA node of the device; -1 when the kernel reports none.
   */
  'numaNode'?: (number);
  /**
   * IOMMU group number (or noiommu group); unset when the device has none.
   */
  'iommuGroup'?: (string);
  /**
   * True for the management interface (default route or device number 0),
   * which the agent moves only with force.
   */
  'management'?: (boolean);
  /**
   * The driver the agent re-applies after a reboot or hot-attach; unset when
   * no binding is persisted.
   */
  'desiredDriver'?: (string);
  /**
   * The running operation on this device; unset when none.
   */
  'activeOperationId'?: (string);
  /**
   * Processes that hold the device's nodes open.
   */
  'holders'?: (_eniagent_v1_DeviceHolder)[];
  /**
   * The node a DPDK application opens: /dev/vfio/N (or /dev/vfio/noiommu-N)
   * under vfio-pci, /dev/uioN under a UIO driver; unset otherwise.
   */
  'devNode'?: (string);
  '_driver'?: "driver";
  '_driverOverride'?: "driverOverride";
  '_stateDetail'?: "stateDetail";
  '_iommuGroup'?: "iommuGroup";
  '_desiredDriver'?: "desiredDriver";
  '_activeOperationId'?: "activeOperationId";
  '_devNode'?: "devNode";
}

/**
 * One ENA PCI device and what the agent knows about it.
 */
export interface Device__Output {
  /**
   * PCI address "dddd:bb:dd.f", lower case.
   */
  'pciAddress': (string);
  /**
   * PCI vendor id, 4 lower-case hex digits ("1d0f" for ENA).
   */
  'vendorId': (string);
  /**
   * PCI device id, 4 lower-case hex digits (e.g. "ec20").
   */
  'deviceId': (string);
  /**
   * The bound driver; unset when none.
   */
  'driver'?: (string);
  /**
   * The driver_override attribute; unset when not set.
   */
  'driverOverride'?: (string);
  /**
   * Where the device stands.
   */
  'state': (_eniagent_v1_DeviceState__Output);
  /**
   * Why the device is DEGRADED, STUCK or FOREIGN; unset otherwise.
   */
  'stateDetail'?: (string);
  /**
   * The recorded identity of the ENI.
   */
  'identity': (_eniagent_v1_DeviceIdentity__Output | null);
  /**
   * NUMA node of the device; -1 when the kernel reports none.
   */
  'numaNode': (number);
  /**
   * IOMMU group number (or noiommu group); unset when the device has none.
   */
  'iommuGroup'?: (string);
  /**
   * True for the management interface (default route or device number 0),
   * which the agent moves only with force.
   */
  'management': (boolean);
  /**
   * The driver the agent re-applies after a reboot or hot-attach; unset when
   * no binding is persisted.
   */
  'desiredDriver'?: (string);
  /**
   * The running operation on this device; unset when none.
   */
  'activeOperationId'?: (string);
  /**
   * Processes that hold the device's nodes open.
   */
  'holders': (_eniagent_v1_DeviceHolder__Output)[];
  /**
   * The node a DPDK application opens: /dev/vfio/N (or /dev/vfio/noiommu-N)
   * under vfio-pci, /dev/uioN under a UIO driver; unset otherwise.
   */
  'devNode'?: (string);
  '_driver'?: "driver";
  '_driverOverride'?: "driverOverride";
  '_stateDetail'?: "stateDetail";
  '_iommuGroup'?: "iommuGroup";
  '_desiredDriver'?: "desiredDriver";
  '_activeOperationId'?: "activeOperationId";
  '_devNode'?: "devNode";
}
