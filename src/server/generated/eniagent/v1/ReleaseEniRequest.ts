// Original file: proto/eniagent/v1/agent.proto

import type { ReleaseMode as _eniagent_v1_ReleaseMode, ReleaseMode__Output as _eniagent_v1_ReleaseMode__Output } from '../../eniagent/v1/ReleaseMode.js';

/**
 * Request of ReleaseEni.
 */
export interface ReleaseEniRequest {
  /**
   * ENI id.
   */
  'eniId'?: (string);
  /**
   * The owner of its intent.
   */
  'owner'?: (string);
  /**
   * Makes retries idempotent, as in PutEniIntentRequest.
   */
  'requestId'?: (string);
  /**
   * Release another owner's intent. Only on the agent's local
   * administrator socket. It never overrides a process holding the device.
   */
  'force'?: (boolean);
  /**
   * What to do after the handshake; unset: RESTORE.
   */
  'mode'?: (_eniagent_v1_ReleaseMode);
}

/**
 * Request of ReleaseEni.
 */
export interface ReleaseEniRequest__Output {
  /**
   * ENI id.
   */
  'eniId': (string);
  /**
   * The owner of its intent.
   */
  'owner': (string);
  /**
   * Makes retries idempotent, as in PutEniIntentRequest.
   */
  'requestId': (string);
  /**
   * Release another owner's intent. Only on the agent's local
   * administrator socket. It never overrides a process holding the device.
   */
  'force': (boolean);
  /**
   * What to do after the handshake; unset: RESTORE.
   */
  'mode': (_eniagent_v1_ReleaseMode__Output);
}
