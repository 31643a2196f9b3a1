// Original file: proto/eniagent/v1/agent.proto


/**
 * Request of GetHostReport.
 */
export interface GetHostReportRequest {
}

/**
 * Request of GetHostReport.
 */
export interface GetHostReportRequest__Output {
}
