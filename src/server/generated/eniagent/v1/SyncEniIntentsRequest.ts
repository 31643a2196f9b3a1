// Original file: proto/eniagent/v1/agent.proto

import type { EniIntent as _eniagent_v1_EniIntent, EniIntent__Output as _eniagent_v1_EniIntent__Output } from '../../eniagent/v1/EniIntent.js';

/**
 * Request of SyncEniIntents.
 */
export interface SyncEniIntentsRequest {
  /**
   * The owner whose complete set this is.
   */
  'owner'?: (string);
  /**
   * Makes retries idempotent, as in PutEniIntentRequest.
   */
  'requestId'?: (string);
  /**
   * Every intent the owner wants on this host.
   */
  'intents'?: (_eniagent_v1_EniIntent)[];
}

/**
 * Request of SyncEniIntents.
 */
export interface SyncEniIntentsRequest__Output {
  /**
   * The owner whose complete set this is.
   */
  'owner': (string);
  /**
   * Makes retries idempotent, as in PutEniIntentRequest.
   */
  'requestId': (string);
  /**
   * Every intent the owner wants on this host.
   */
  'intents': (_eniagent_v1_EniIntent__Output)[];
}
