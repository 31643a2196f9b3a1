// Original file: proto/eniagent/v1/agent.proto

import type { ReleaseOutcome as _eniagent_v1_ReleaseOutcome, ReleaseOutcome__Output as _eniagent_v1_ReleaseOutcome__Output } from '../../eniagent/v1/ReleaseOutcome.js';
import type { EniStatus as _eniagent_v1_EniStatus, EniStatus__Output as _eniagent_v1_EniStatus__Output } from '../../eniagent/v1/EniStatus.js';

/**
 * Response of ReleaseEni.
 */
export interface ReleaseEniResponse {
  /**
   * SAFE_TO_DETACH or NOT_PRESENT.
   */
  'outcome'?: (_eniagent_v1_ReleaseOutcome);
  /**
   * The ENI's status after the release.
   */
  'status'?: (_eniagent_v1_EniStatus | null);
}

/**
 * Response of ReleaseEni.
 */
export interface ReleaseEniResponse__Output {
  /**
   * SAFE_TO_DETACH or NOT_PRESENT.
   */
  'outcome': (_eniagent_v1_ReleaseOutcome__Output);
  /**
   * The ENI's status after the release.
   */
  'status': (_eniagent_v1_EniStatus__Output | null);
}
