// Original file: proto/eniagent/v1/agent.proto


/**
 * VFIO's no-IOMMU mode.
 */
export interface NoIommu {
  /**
   * True when the kernel offers the mode (the parameter exists).
   */
  'available'?: (boolean);
  /**
   * True when enable_unsafe_noiommu_mode is Y.
   */
  'enabled'?: (boolean);
}

/**
 * VFIO's no-IOMMU mode.
 */
export interface NoIommu__Output {
  /**
   * True when the kernel offers the mode (the parameter exists).
   */
  'available': (boolean);
  /**
   * True when enable_unsafe_noiommu_mode is Y.
   */
  'enabled': (boolean);
}
