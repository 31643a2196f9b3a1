// The modules that load an AWS SDK (ec2-actions, ec2-client,
// describe-network-interfaces, asg-lifecycle-actions, autoscaling-client)
// export only their types here: the daemon imports them on first use, and a
// value re-export would put an SDK (tens of MiB) on the start path of
// everything that imports this index. Import their values from their files.

export type {
  AsgInstance,
  AsgLifecycleActions,
  LifecycleActionRef,
  LifecycleActionResult,
} from "./asg-lifecycle-actions.js";
export type { AutoScalingClientOptions } from "./autoscaling-client.js";
export * from "./aws-client-options.js";
export * from "./aws-errors.js";
export * from "./backoff.js";
export type {
  DeleteOnTerminationOutcome,
  DeleteOutcome,
  DetachOutcome,
  Ec2Actions,
  Ec2ActionsDeps,
  Ec2ActionsOptions,
  OwnerTag,
} from "./ec2-actions.js";
export * from "./ec2-call.js";
export type { Ec2ClientOptions } from "./ec2-client.js";
export * from "./ec2-rate-limiter.js";
export * from "./eni-description.js";
export * from "./eni-identity.js";
export * from "./imds-client.js";
export * from "./instance-tags.js";
export * from "./leak-sweeper.js";
export * from "./parse-notices.js";
export * from "./protect-owned-eni.js";
export * from "./release-plan/index.js";
export * from "./termination-notice.js";
export * from "./termination-watcher.js";
