// Original file: proto/eniagent/v1/agent.proto

import type { Operation as _eniagent_v1_Operation, Operation__Output as _eniagent_v1_Operation__Output } from '../../eniagent/v1/Operation.js';

/**
 * Response of ListOperations.
 */
export interface ListOperationsResponse {
  /**
   * The operations, newest first.
   */
  'operations'?: (_eniagent_v1_Operation)[];
  /**
   * Pass as page_token to get the next page; empty on the last page.
   */
  'nextPageToken'?: (string);
  /**
   * What is wrong with the journal, one sentence each, for people: records
   * skipped at start-up (damaged or malformed, with their line), end records
   * the journal refused (being retried), operations recovery left open
   * because a guard refused to act. Empty when nothing is wrong.
   */
  'journalNotes'?: (string)[];
}

/**
 * Response of ListOperations.
 */
export interface ListOperationsResponse__Output {
  /**
   * The operations, newest first.
   */
  'operations': (_eniagent_v1_Operation__Output)[];
  /**
   * Pass as page_token to get the next page; empty on the last page.
   */
  'nextPageToken': (string);
  /**
   * What is wrong with the journal, one sentence each, for people: records
   * skipped at start-up (damaged or malformed, with their line), end records
   * the journal refused (being retried), operations recovery left open
   * because a guard refused to act. Empty when nothing is wrong.
   */
  'journalNotes': (string)[];
}
