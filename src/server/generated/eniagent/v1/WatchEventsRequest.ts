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
}
