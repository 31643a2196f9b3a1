// Original file: proto/eniagent/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What a controller wants for one ENI.
 */
export interface EniIntent {
  /**
   * ENI id "eni-" followed by 8 or 17 hex digits.
   */
  'eniId'?: (string);
  /**
   * The ENI's MAC "aa:bb:cc:dd:ee:ff" when the controller knows it (from
   * CreateNetworkInterface); empty: the agent asks instance metadata.
   */
  'macAddress'?: (string);
  /**
   * The driver the ENI's device should have, e.g. "vfio-pci".
   */
  'driver'?: (string);
  /**
   * Orders updates: 1 or more; a lower generation never replaces a higher
   * one (e.g. the object's metadata.generation).
   */
  'generation'?: (number | string | Long);
}

/**
 * What a controller wants for one ENI.
 */
export interface EniIntent__Output {
  /**
   * ENI id "eni-" followed by 8 or 17 hex digits.
   */
  'eniId': (string);
  /**
   * The ENI's MAC "aa:bb:cc:dd:ee:ff" when the controller knows it (from
   * CreateNetworkInterface); empty: the agent asks instance metadata.
   */
  'macAddress': (string);
  /**
   * The driver the ENI's device should have, e.g. "vfio-pci".
   */
  'driver': (string);
  /**
   * Orders updates: 1 or more; a lower generation never replaces a higher
   * one (e.g. the object's metadata.generation).
   */
  'generation': (string);
}
