// Original file: proto/eniagent/v1/agent.proto


/**
 * Request of ListDevices.
 */
export interface ListDevicesRequest {
}

/**
 * Request of ListDevices.
 */
export interface ListDevicesRequest__Output {
}
