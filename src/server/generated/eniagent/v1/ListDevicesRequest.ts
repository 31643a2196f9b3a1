// Original file: proto/eniagent/v1/agent.proto


/**
 * Request of ListDevices.
 */
export interface ListDevicesRequest {
  /**
   * Re-read sysfs before answering instead of answering from the device
   * view. Costs a scan of every device (milliseconds on a real host): for
   * an operator's one-off look, not for a controller's polling loop.
   */
  'fresh'?: (boolean);
}

/**
 * Request of ListDevices.
 */
export interface ListDevicesRequest__Output {
  /**
   * Re-read sysfs before answering instead of answering from the device
   * view. Costs a scan of every device (milliseconds on a real host): for
   * an operator's one-off look, not for a controller's polling loop.
   */
  'fresh': (boolean);
}
