// Original file: proto/eniagent/v1/agent.proto

import type { OperationKind as _eniagent_v1_OperationKind, OperationKind__Output as _eniagent_v1_OperationKind__Output } from '../../eniagent/v1/OperationKind.js';
import type { OperationStatus as _eniagent_v1_OperationStatus, OperationStatus__Output as _eniagent_v1_OperationStatus__Output } from '../../eniagent/v1/OperationStatus.js';
import type { OperationStep as _eniagent_v1_OperationStep, OperationStep__Output as _eniagent_v1_OperationStep__Output } from '../../eniagent/v1/OperationStep.js';
import type { ErrorDetail as _eniagent_v1_ErrorDetail, ErrorDetail__Output as _eniagent_v1_ErrorDetail__Output } from '../../eniagent/v1/ErrorDetail.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Confirmation as _eniagent_v1_Confirmation, Confirmation__Output as _eniagent_v1_Confirmation__Output } from '../../eniagent/v1/Confirmation.js';

/**
 * One transaction on one device (or the termination plan), as journaled.
 */
export interface Operation {
  /**
   * Operation id, unique on this host.
   */
  'id'?: (string);
  /**
   * What the operation does.
   */
  'kind'?: (_eniagent_v1_OperationKind);
  /**
   * Where it stands.
   */
  'status'?: (_eniagent_v1_OperationStatus);
  /**
   * The device; unset for a termination operation.
   */
  'pciAddress'?: (string);
  /**
   * The driver bound when the operation started; unset when none.
   */
  'fromDriver'?: (string);
  /**
   * The target driver; unset for a termination operation.
   */
  'toDriver'?: (string);
  /**
   * True when the operation only planned.
   */
  'dryRun'?: (boolean);
  /**
   * True when guards that may be skipped were skipped.
   */
  'force'?: (boolean);
  /**
   * True when the binding was also persisted (or forgotten, on restore).
   */
  'persist'?: (boolean);
  /**
   * The planned steps and where each stands.
   */
  'steps'?: (_eniagent_v1_OperationStep)[];
  /**
   * Why it did not succeed; unset when it succeeded or is running.
   */
  'error'?: (_eniagent_v1_ErrorDetail | null);
  /**
   * When it was accepted.
   */
  'createTime'?: (_google_protobuf_Timestamp | null);
  /**
   * When its state last changed.
   */
  'updateTime'?: (_google_protobuf_Timestamp | null);
  /**
   * When it finished; unset while running.
   */
  'finishTime'?: (_google_protobuf_Timestamp | null);
  /**
   * Who asked: the caller identity (certificate name) or the socket;
   * "termination" for the restores of a termination plan; unset when the
   * agent started it on its own (a re-applied binding, a repair). Journaled
   * with the operation.
   */
  'requestedBy'?: (string);
  /**
   * Set for a bind on trial once it committed; unset otherwise.
   */
  'confirmation'?: (_eniagent_v1_Confirmation | null);
  /**
   * The guards that refused and that force overrode, by name (e.g.
   * "default-route", "device-in-use"); empty when none was. Journaled with
   * the operation, so GetOperation shows them too.
   */
  'overriddenGuards'?: (string)[];
  '_pciAddress'?: "pciAddress";
  '_fromDriver'?: "fromDriver";
  '_toDriver'?: "toDriver";
  '_requestedBy'?: "requestedBy";
}

/**
 * One transaction on one device (or the termination plan), as journaled.
 */
export interface Operation__Output {
  /**
   * Operation id, unique on this host.
   */
  'id': (string);
  /**
   * What the operation does.
   */
  'kind': (_eniagent_v1_OperationKind__Output);
  /**
   * Where it stands.
   */
  'status': (_eniagent_v1_OperationStatus__Output);
  /**
   * The device; unset for a termination operation.
   */
  'pciAddress'?: (string);
  /**
   * The driver bound when the operation started; unset when none.
   */
  'fromDriver'?: (string);
  /**
   * The target driver; unset for a termination operation.
   */
  'toDriver'?: (string);
  /**
   * True when the operation only planned.
   */
  'dryRun': (boolean);
  /**
   * True when guards that may be skipped were skipped.
   */
  'force': (boolean);
  /**
   * True when the binding was also persisted (or forgotten, on restore).
   */
  'persist': (boolean);
  /**
   * The planned steps and where each stands.
   */
  'steps': (_eniagent_v1_OperationStep__Output)[];
  /**
   * Why it did not succeed; unset when it succeeded or is running.
   */
  'error': (_eniagent_v1_ErrorDetail__Output | null);
  /**
   * When it was accepted.
   */
  'createTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * When its state last changed.
   */
  'updateTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * When it finished; unset while running.
   */
  'finishTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * Who asked: the caller identity (certificate name) or the socket;
   * "termination" for the restores of a termination plan; unset when the
   * agent started it on its own (a re-applied binding, a repair). Journaled
   * with the operation.
   */
  'requestedBy'?: (string);
  /**
   * Set for a bind on trial once it committed; unset otherwise.
   */
  'confirmation': (_eniagent_v1_Confirmation__Output | null);
  /**
   * The guards that refused and that force overrode, by name (e.g.
   * "default-route", "device-in-use"); empty when none was. Journaled with
   * the operation, so GetOperation shows them too.
   */
  'overriddenGuards': (string)[];
  '_pciAddress'?: "pciAddress";
  '_fromDriver'?: "fromDriver";
  '_toDriver'?: "toDriver";
  '_requestedBy'?: "requestedBy";
}
