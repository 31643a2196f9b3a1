// Original file: proto/eniagent/v1/agent.proto


/**
 * The structured detail of a failure. The same shape, in proto3 JSON, is the
 * value of the `eni-agent-error-bin` trailing metadata of every failed call.
 */
export interface ErrorDetail {
  /**
   * The canonical code name, e.g. "FAILED_PRECONDITION".
   */
  'code'?: (string);
  /**
   * What went wrong, for people.
   */
  'message'?: (string);
  /**
   * The errno name of the failed system call, e.g. "EBUSY"; empty if none.
   */
  'errno'?: (string);
  /**
   * The system call or sysfs operation that failed, e.g. "write".
   */
  'syscall'?: (string);
  /**
   * The sysfs path involved, relative to the sysfs root.
   */
  'path'?: (string);
  /**
   * The PCI address of the device concerned.
   */
  'device'?: (string);
  /**
   * The name of the guard that refused, e.g. "management-interface".
   */
  'guard'?: (string);
  /**
   * The AWS error code, e.g. "RequestLimitExceeded".
   */
  'awsCode'?: (string);
  /**
   * What the caller can do about it, one sentence.
   */
  'remedy'?: (string);
  /**
   * The operation the failure belongs to; GetOperation returns it.
   */
  'operationId'?: (string);
}

/**
 * The structured detail of a failure. The same shape, in proto3 JSON, is the
 * value of the `eni-agent-error-bin` trailing metadata of every failed call.
 */
export interface ErrorDetail__Output {
  /**
   * The canonical code name, e.g. "FAILED_PRECONDITION".
   */
  'code': (string);
  /**
   * What went wrong, for people.
   */
  'message': (string);
  /**
   * The errno name of the failed system call, e.g. "EBUSY"; empty if none.
   */
  'errno': (string);
  /**
   * The system call or sysfs operation that failed, e.g. "write".
   */
  'syscall': (string);
  /**
   * The sysfs path involved, relative to the sysfs root.
   */
  'path': (string);
  /**
   * The PCI address of the device concerned.
   */
  'device': (string);
  /**
   * The name of the guard that refused, e.g. "management-interface".
   */
  'guard': (string);
  /**
   * The AWS error code, e.g. "RequestLimitExceeded".
   */
  'awsCode': (string);
  /**
   * What the caller can do about it, one sentence.
   */
  'remedy': (string);
  /**
   * The operation the failure belongs to; GetOperation returns it.
   */
  'operationId': (string);
}
