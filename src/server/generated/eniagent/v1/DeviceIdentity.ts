// Original file: proto/eniagent/v1/agent.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

/**
 * What identifies the ENI behind a PCI slot, recorded while the kernel owned
 * it (the netdev and its MAC disappear once a DPDK driver takes the device).
 */
export interface DeviceIdentity {
  /**
   * MAC address, lower case with colons; unset when never seen.
   */
  'macAddress'?: (string);
  /**
   * ENI id from instance metadata; unset when unknown.
   */
  'eniId'?: (string);
  /**
   * Kernel interface name when last owned by the kernel; unset when unknown.
   */
  'interfaceName'?: (string);
  /**
   * MTU of the interface when last owned by the kernel; unset when unknown.
   */
  'mtu'?: (number);
  /**
   * Device index of the attachment (per network card); -1 when unknown.
   */
  'deviceNumber'?: (number);
  /**
   * Network card index; -1 when unknown.
   */
  'networkCard'?: (number);
  /**
   * When this identity was recorded.
   */
  'recordedTime'?: (_google_protobuf_Timestamp | null);
  '_macAddress'?: "macAddress";
  '_eniId'?: "eniId";
  '_interfaceName'?: "interfaceName";
  '_mtu'?: "mtu";
}

/**
 * What identifies the ENI behind a PCI slot, recorded while the kernel owned
 * it (the netdev and its MAC disappear once a DPDK driver takes the device).
 */
export interface DeviceIdentity__Output {
  /**
   * MAC address, lower case with colons; unset when never seen.
   */
  'macAddress'?: (string);
  /**
   * ENI id from instance metadata; unset when unknown.
   */
  'eniId'?: (string);
  /**
   * Kernel interface name when last owned by the kernel; unset when unknown.
   */
  'interfaceName'?: (string);
  /**
   * MTU of the interface when last owned by the kernel; unset when unknown.
   */
  'mtu'?: (number);
  /**
   * Device index of the attachment (per network card); -1 when unknown.
   */
  'deviceNumber': (number);
  /**
   * Network card index; -1 when unknown.
   */
  'networkCard': (number);
  /**
   * When this identity was recorded.
   */
  'recordedTime': (_google_protobuf_Timestamp__Output | null);
  '_macAddress'?: "macAddress";
  '_eniId'?: "eniId";
  '_interfaceName'?: "interfaceName";
  '_mtu'?: "mtu";
}
