// Original file: proto/eniagent/v1/agent.proto

/**
 * How serious a check's finding is.
 */
export const CheckSeverity = {
  /**
   * Not set; never sent by the agent.
   */
  CHECK_SEVERITY_UNSPECIFIED: 'CHECK_SEVERITY_UNSPECIFIED',
  /**
   * Fine.
   */
  CHECK_SEVERITY_OK: 'CHECK_SEVERITY_OK',
  /**
   * Works, with a caveat.
   */
  CHECK_SEVERITY_WARN: 'CHECK_SEVERITY_WARN',
  /**
   * Blocks a driver or a feature.
   */
  CHECK_SEVERITY_FAIL: 'CHECK_SEVERITY_FAIL',
} as const;

/**
 * How serious a check's finding is.
 */
export type CheckSeverity =
  /**
   * Not set; never sent by the agent.
   */
  | 'CHECK_SEVERITY_UNSPECIFIED'
  | 0
  /**
   * Fine.
   */
  | 'CHECK_SEVERITY_OK'
  | 1
  /**
   * Works, with a caveat.
   */
  | 'CHECK_SEVERITY_WARN'
  | 2
  /**
   * Blocks a driver or a feature.
   */
  | 'CHECK_SEVERITY_FAIL'
  | 3

/**
 * How serious a check's finding is.
 */
export type CheckSeverity__Output = typeof CheckSeverity[keyof typeof CheckSeverity]
