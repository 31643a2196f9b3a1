// Original file: proto/eniagent/v1/agent.proto


/**
 * The journal of operations.
 */
export interface JournalHealth {
  /**
   * True when the journal is writable and every entry was resolved.
   */
  'healthy'?: (boolean);
  /**
   * Its directory.
   */
  'directory'?: (string);
  /**
   * Entries not yet resolved (recovery pending or failed).
   */
  'unresolvedEntries'?: (number);
  /**
   * What is wrong, for people; empty when healthy.
   */
  'detail'?: (string);
}

/**
 * The journal of operations.
 */
export interface JournalHealth__Output {
  /**
   * True when the journal is writable and every entry was resolved.
   */
  'healthy': (boolean);
  /**
   * Its directory.
   */
  'directory': (string);
  /**
   * Entries not yet resolved (recovery pending or failed).
   */
  'unresolvedEntries': (number);
  /**
   * What is wrong, for people; empty when healthy.
   */
  'detail': (string);
}
