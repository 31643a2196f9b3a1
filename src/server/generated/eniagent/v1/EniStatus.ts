// Original file: proto/eniagent/v1/agent.proto

import type { EniPhase as _eniagent_v1_EniPhase, EniPhase__Output as _eniagent_v1_EniPhase__Output } from '../../eniagent/v1/EniPhase.js';
import type { ErrorDetail as _eniagent_v1_ErrorDetail, ErrorDetail__Output as _eniagent_v1_ErrorDetail__Output } from '../../eniagent/v1/ErrorDetail.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The status of one ENI.
 */
export interface EniStatus {
  /**
   * ENI id.
   */
  'eniId'?: (string);
  /**
   * The owner of its intent (or of the released one).
   */
  'owner'?: (string);
  /**
   * Where it stands.
   */
  'phase'?: (_eniagent_v1_EniPhase);
  /**
   * The generation of its intent (or of the released one).
   */
  'generation'?: (number | string | Long);
  /**
   * The last generation the agent brought about (bound, or released); 0
   * when none yet.
   */
  'observedGeneration'?: (number | string | Long);
  /**
   * The intent's driver; empty once released.
   */
  'driver'?: (string);
  /**
   * The device the ENI is at now; empty when it is not attached.
   */
  'pciAddress'?: (string);
  /**
   * The ENI's MAC when known.
   */
  'macAddress'?: (string);
  /**
   * Why it is PENDING_ATTACH, RELEASING or FAILED; empty otherwise.
   */
  'detail'?: (string);
  /**
   * The error behind FAILED; unset otherwise.
   */
  'error'?: (_eniagent_v1_ErrorDetail | null);
}

/**
 * The status of one ENI.
 */
export interface EniStatus__Output {
  /**
   * ENI id.
   */
  'eniId': (string);
  /**
   * The owner of its intent (or of the released one).
   */
  'owner': (string);
  /**
   * Where it stands.
   */
  'phase': (_eniagent_v1_EniPhase__Output);
  /**
   * The generation of its intent (or of the released one).
   */
  'generation': (string);
  /**
   * The last generation the agent brought about (bound, or released); 0
   * when none yet.
   */
  'observedGeneration': (string);
  /**
   * The intent's driver; empty once released.
   */
  'driver': (string);
  /**
   * The device the ENI is at now; empty when it is not attached.
   */
  'pciAddress': (string);
  /**
   * The ENI's MAC when known.
   */
  'macAddress': (string);
  /**
   * Why it is PENDING_ATTACH, RELEASING or FAILED; empty otherwise.
   */
  'detail': (string);
  /**
   * The error behind FAILED; unset otherwise.
   */
  'error': (_eniagent_v1_ErrorDetail__Output | null);
}
