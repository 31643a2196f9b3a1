// Original file: proto/eniagent/v1/agent.proto


/**
 * The identity of this instance, from metadata.
 */
export interface InstanceIdentity {
  /**
   * Instance id, e.g. "i-1234567890abcdef0".
   */
  'instanceId'?: (string);
  /**
   * Instance type, e.g. "c6in.4xlarge".
   */
  'instanceType'?: (string);
  /**
   * Region, e.g. "us-east-1".
   */
  'region'?: (string);
  /**
   * Availability zone, e.g. "us-east-1a".
   */
  'availabilityZone'?: (string);
  /**
   * MAC address of the primary ENI.
   */
  'primaryMacAddress'?: (string);
}

/**
 * The identity of this instance, from metadata.
 */
export interface InstanceIdentity__Output {
  /**
   * Instance id, e.g. "i-1234567890abcdef0".
   */
  'instanceId': (string);
  /**
   * Instance type, e.g. "c6in.4xlarge".
   */
  'instanceType': (string);
  /**
   * Region, e.g. "us-east-1".
   */
  'region': (string);
  /**
   * Availability zone, e.g. "us-east-1a".
   */
  'availabilityZone': (string);
  /**
   * MAC address of the primary ENI.
   */
  'primaryMacAddress': (string);
}
