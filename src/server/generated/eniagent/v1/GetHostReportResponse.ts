// Original file: proto/eniagent/v1/agent.proto

import type { HostReport as _eniagent_v1_HostReport, HostReport__Output as _eniagent_v1_HostReport__Output } from '../../eniagent/v1/HostReport.js';

/**
 * Response of GetHostReport.
 */
export interface GetHostReportResponse {
  /**
   * The report.
   */
  'report'?: (_eniagent_v1_HostReport | null);
}

/**
 * Response of GetHostReport.
 */
export interface GetHostReportResponse__Output {
  /**
   * The report.
   */
  'report': (_eniagent_v1_HostReport__Output | null);
}
