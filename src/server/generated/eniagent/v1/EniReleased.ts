// Original file: proto/eniagent/v1/agent.proto

import type { ReleaseAction as _eniagent_v1_ReleaseAction, ReleaseAction__Output as _eniagent_v1_ReleaseAction__Output } from '../../eniagent/v1/ReleaseAction.js';

/**
 * An ENI was released.
 */
export interface EniReleased {
  /**
   * The ENI.
   */
  'eniId'?: (string);
  /**
   * Its PCI address while attached; unset when unknown.
   */
  'pciAddress'?: (string);
  /**
   * How it was released.
   */
  'action'?: (_eniagent_v1_ReleaseAction);
  '_pciAddress'?: "pciAddress";
}

/**
 * An ENI was released.
 */
export interface EniReleased__Output {
  /**
   * The ENI.
   */
  'eniId': (string);
  /**
   * Its PCI address while attached; unset when unknown.
   */
  'pciAddress'?: (string);
  /**
   * How it was released.
   */
  'action': (_eniagent_v1_ReleaseAction__Output);
  '_pciAddress'?: "pciAddress";
}
