// Original file: proto/eniagent/v1/agent.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

/**
 * A bind on trial committed and awaits ConfirmOperation.
 */
export interface ConfirmationPending {
  /**
   * The bind's operation id: pass it to ConfirmOperation.
   */
  'operationId'?: (string);
  /**
   * The device.
   */
  'pciAddress'?: (string);
  /**
   * When it is reverted unless confirmed before.
   */
  'deadlineTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * A bind on trial committed and awaits ConfirmOperation.
 */
export interface ConfirmationPending__Output {
  /**
   * The bind's operation id: pass it to ConfirmOperation.
   */
  'operationId': (string);
  /**
   * The device.
   */
  'pciAddress': (string);
  /**
   * When it is reverted unless confirmed before.
   */
  'deadlineTime': (_google_protobuf_Timestamp__Output | null);
}
