// Original file: proto/eniagent/v1/agent.proto

import type { EventKind as _eniagent_v1_EventKind, EventKind__Output as _eniagent_v1_EventKind__Output } from '../../eniagent/v1/EventKind.js';

/**
 * Request of WatchEvents.
 */
export interface WatchEventsRequest {
  /**
   * Only these kinds; empty for all.
   */
  'kinds'?: (_eniagent_v1_EventKind)[];
  /**
   * Only events about this device (PCI address); empty for all. Events that
   * concern no device (termination, health) are always sent.
   */
  'pciAddress'?: (string);
  /**
   * Only contract events of this owner's ENIs; empty for all. Events that
   * concern no owner are always sent (combine with kinds to get only
   * ENI_PHASE_CHANGED).
   */
  'owner'?: (string);
  /**
   * Only events about this ENI (phase changes, releases); empty for all.
   * Events that name no ENI are always sent.
   */
  'eniId'?: (string);
}

/**
 * Request of WatchEvents.
 */
export interface WatchEventsRequest__Output {
  /**
   * Only these kinds; empty for all.
   */
  'kinds': (_eniagent_v1_EventKind__Output)[];
  /**
   * Only events about this device (PCI address); empty for all. Events that
   * concern no device (termination, health) are always sent.
   */
  'pciAddress': (string);
  /**
   * Only contract events of this owner's ENIs; empty for all. Events that
   * concern no owner are always sent (combine with kinds to get only
   * ENI_PHASE_CHANGED).
   */
  'owner': (string);
  /**
   * Only events about this ENI (phase changes, releases); empty for all.
   * Events that name no ENI are always sent.
   */
  'eniId': (string);
}
