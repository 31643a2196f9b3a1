// Original file: proto/eniagent/v1/agent.proto


/**
 * ENA's low-latency queues need write-combining mappings.
 */
export interface WriteCombining {
  /**
   * True when a DPDK driver in use (or allowed) cannot map write-combining
   * (stock vfio-pci), which slows ENA's low-latency queues.
   */
  'affected'?: (boolean);
  /**
   * The caveat and the known fix, for people.
   */
  'detail'?: (string);
}

/**
 * ENA's low-latency queues need write-combining mappings.
 */
export interface WriteCombining__Output {
  /**
   * True when a DPDK driver in use (or allowed) cannot map write-combining
   * (stock vfio-pci), which slows ENA's low-latency queues.
   */
  'affected': (boolean);
  /**
   * The caveat and the known fix, for people.
   */
  'detail': (string);
}
