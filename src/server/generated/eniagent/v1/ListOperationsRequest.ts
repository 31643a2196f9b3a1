// Original file: proto/eniagent/v1/agent.proto


/**
 * Request of ListOperations.
 */
export interface ListOperationsRequest {
  /**
   * Only operations on this device (PCI address); empty for all.
   */
  'pciAddress'?: (string);
  /**
   * At most this many operations; 0 means 50, and more than 500 is refused.
   */
  'pageSize'?: (number);
  /**
   * The next_page_token of the previous page; empty for the first page.
   */
  'pageToken'?: (string);
}

/**
 * Request of ListOperations.
 */
export interface ListOperationsRequest__Output {
  /**
   * Only operations on this device (PCI address); empty for all.
   */
  'pciAddress': (string);
  /**
   * At most this many operations; 0 means 50, and more than 500 is refused.
   */
  'pageSize': (number);
  /**
   * The next_page_token of the previous page; empty for the first page.
   */
  'pageToken': (string);
}
