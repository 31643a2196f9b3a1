// Original file: proto/eniagent/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Hugepages of one size on one NUMA node.
 */
export interface HugepagePool {
  /**
   * The NUMA node.
   */
  'numaNode'?: (number);
  /**
   * Page size in KiB (2048, 1048576).
   */
  'pageSizeKib'?: (number | string | Long);
  /**
   * Pages reserved.
   */
  'totalPages'?: (number | string | Long);
  /**
   * Pages free.
   */
  'freePages'?: (number | string | Long);
}

/**
 * Hugepages of one size on one NUMA node.
 */
export interface HugepagePool__Output {
  /**
   * The NUMA node.
   */
  'numaNode': (number);
  /**
   * Page size in KiB (2048, 1048576).
   */
  'pageSizeKib': (string);
  /**
   * Pages reserved.
   */
  'totalPages': (string);
  /**
   * Pages free.
   */
  'freePages': (string);
}
