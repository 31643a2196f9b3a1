// Original file: proto/eniagent/v1/agent.proto


/**
 * A kernel module that matters to eni-agent.
 */
export interface KernelModule {
  /**
   * Module name, e.g. "vfio_pci".
   */
  'name'?: (string);
  /**
   * True when loaded (or built in).
   */
  'loaded'?: (boolean);
  /**
   * True when built into the kernel.
   */
  'builtin'?: (boolean);
  /**
   * Module parameters that matter, by name, as the kernel shows them.
   */
  'parameters'?: ({[key: string]: string});
}

/**
 * A kernel module that matters to eni-agent.
 */
export interface KernelModule__Output {
  /**
   * Module name, e.g. "vfio_pci".
   */
  'name': (string);
  /**
   * True when loaded (or built in).
   */
  'loaded': (boolean);
  /**
   * True when built into the kernel.
   */
  'builtin': (boolean);
  /**
   * Module parameters that matter, by name, as the kernel shows them.
   */
  'parameters': ({[key: string]: string});
}
