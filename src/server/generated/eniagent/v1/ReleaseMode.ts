// Original file: proto/eniagent/v1/agent.proto

/**
 * What ReleaseEni does after the handshake.
 */
export const ReleaseMode = {
  /**
   * As RESTORE.
   */
  RELEASE_MODE_UNSPECIFIED: 'RELEASE_MODE_UNSPECIFIED',
  /**
   * Restore to the kernel driver only; the controller detaches.
   */
  RELEASE_MODE_RESTORE: 'RELEASE_MODE_RESTORE',
  /**
   * Then detach the ENI (without Force), wait until EC2 shows it
   * available and delete it. Only for an ENI the agent owns (its owner tag):
   * FAILED_PRECONDITION (guard "not-owned") otherwise, after the restore.
   * A retry after a failure or a restart continues where it stopped.
   */
  RELEASE_MODE_DETACH_AND_DELETE: 'RELEASE_MODE_DETACH_AND_DELETE',
} as const;

/**
 * What ReleaseEni does after the handshake.
 */
export type ReleaseMode =
  /**
   * As RESTORE.
   */
  | 'RELEASE_MODE_UNSPECIFIED'
  | 0
  /**
   * Restore to the kernel driver only; the controller detaches.
   */
  | 'RELEASE_MODE_RESTORE'
  | 1
  /**
   * Then detach the ENI (without Force), wait until EC2 shows it
   * available and delete it. Only for an ENI the agent owns (its owner tag):
   * FAILED_PRECONDITION (guard "not-owned") otherwise, after the restore.
   * A retry after a failure or a restart continues where it stopped.
   */
  | 'RELEASE_MODE_DETACH_AND_DELETE'
  | 2

/**
 * What ReleaseEni does after the handshake.
 */
export type ReleaseMode__Output = typeof ReleaseMode[keyof typeof ReleaseMode]
