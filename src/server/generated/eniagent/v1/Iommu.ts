// Original file: proto/eniagent/v1/agent.proto


/**
 * The host's IOMMU.
 */
export interface Iommu {
  /**
   * True when an IOMMU is present (there are IOMMU groups).
   */
  'present'?: (boolean);
  /**
   * Number of IOMMU groups.
   */
  'groupCount'?: (number);
}

/**
 * The host's IOMMU.
 */
export interface Iommu__Output {
  /**
   * True when an IOMMU is present (there are IOMMU groups).
   */
  'present': (boolean);
  /**
   * Number of IOMMU groups.
   */
  'groupCount': (number);
}
