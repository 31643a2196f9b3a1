// Original file: proto/grpc/health/v1/health.proto


// Original file: proto/grpc/health/v1/health.proto

/**
 * Whether the service can handle requests.
 */
export const _grpc_health_v1_HealthCheckResponse_ServingStatus = {
  /**
   * The status is not known.
   */
  UNKNOWN: 'UNKNOWN',
  /**
   * The service handles requests.
   */
  SERVING: 'SERVING',
  /**
   * The service does not handle requests now.
   */
  NOT_SERVING: 'NOT_SERVING',
  /**
   * Only used by Watch: the service name is not known to the server.
   */
  SERVICE_UNKNOWN: 'SERVICE_UNKNOWN',
} as const;

/**
 * Whether the service can handle requests.
 */
export type _grpc_health_v1_HealthCheckResponse_ServingStatus =
  /**
   * The status is not known.
   */
  | 'UNKNOWN'
  | 0
  /**
   * The service handles requests.
   */
  | 'SERVING'
  | 1
  /**
   * The service does not handle requests now.
   */
  | 'NOT_SERVING'
  | 2
  /**
   * Only used by Watch: the service name is not known to the server.
   */
  | 'SERVICE_UNKNOWN'
  | 3

/**
 * Whether the service can handle requests.
 */
export type _grpc_health_v1_HealthCheckResponse_ServingStatus__Output = typeof _grpc_health_v1_HealthCheckResponse_ServingStatus[keyof typeof _grpc_health_v1_HealthCheckResponse_ServingStatus]

/**
 * The health of one service.
 */
export interface HealthCheckResponse {
  /**
   * The current status.
   */
  'status'?: (_grpc_health_v1_HealthCheckResponse_ServingStatus);
}

/**
 * The health of one service.
 */
export interface HealthCheckResponse__Output {
  /**
   * The current status.
   */
  'status': (_grpc_health_v1_HealthCheckResponse_ServingStatus__Output);
}
