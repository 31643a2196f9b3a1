// Original file: proto/eniagent/v1/agent.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { OperationStatus as _eniagent_v1_OperationStatus, OperationStatus__Output as _eniagent_v1_OperationStatus__Output } from '../../eniagent/v1/OperationStatus.js';

/**
 * A bind on trial was not confirmed by its deadline: the agent restored
 * the device to its kernel driver.
 */
export interface RevertedUnconfirmed {
  /**
   * The bind's operation id.
   */
  'operationId'?: (string);
  /**
   * The device.
   */
  'pciAddress'?: (string);
  /**
   * The deadline that passed.
   */
  'deadlineTime'?: (_google_protobuf_Timestamp | null);
  /**
   * The restore that reverted it.
   */
  'revertOperationId'?: (string);
  /**
   * How the restore ended: SUCCEEDED (the device is home, verified),
   * ROLLED_BACK or DEGRADED (see that operation).
   */
  'revertStatus'?: (_eniagent_v1_OperationStatus);
}

/**
 * A bind on trial was not confirmed by its deadline: the agent restored
 * the device to its kernel driver.
 */
export interface RevertedUnconfirmed__Output {
  /**
   * The bind's operation id.
   */
  'operationId': (string);
  /**
   * The device.
   */
  'pciAddress': (string);
  /**
   * The deadline that passed.
   */
  'deadlineTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * The restore that reverted it.
   */
  'revertOperationId': (string);
  /**
   * How the restore ended: SUCCEEDED (the device is home, verified),
   * ROLLED_BACK or DEGRADED (see that operation).
   */
  'revertStatus': (_eniagent_v1_OperationStatus__Output);
}
