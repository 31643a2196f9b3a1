// Original file: proto/grpc/health/v1/health.proto


/**
 * Asks whether a service is able to handle requests.
 */
export interface HealthCheckRequest {
  /**
   * The service name: "" for the whole server, or a fully qualified service.
   */
  'service'?: (string);
}

/**
 * Asks whether a service is able to handle requests.
 */
export interface HealthCheckRequest__Output {
  /**
   * The service name: "" for the whole server, or a fully qualified service.
   */
  'service': (string);
}
