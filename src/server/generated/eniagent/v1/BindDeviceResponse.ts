// Original file: proto/eniagent/v1/agent.proto

import type { Operation as _eniagent_v1_Operation, Operation__Output as _eniagent_v1_Operation__Output } from '../../eniagent/v1/Operation.js';

/**
 * Response of BindDevice.
 */
export interface BindDeviceResponse {
  /**
   * The finished operation (status SUCCEEDED), or the plan (status PLANNED)
   * for a dry run.
   */
  'operation'?: (_eniagent_v1_Operation | null);
}

/**
 * Response of BindDevice.
 */
export interface BindDeviceResponse__Output {
  /**
   * The finished operation (status SUCCEEDED), or the plan (status PLANNED)
   * for a dry run.
   */
  'operation': (_eniagent_v1_Operation__Output | null);
}
