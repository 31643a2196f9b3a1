/**
 * Builds the SDK's Auto Scaling client, pinned like the EC2 client (see
 * aws-client-options.ts). Loaded on first use: only a plan that completes a
 * lifecycle action needs it.
 */
import { AutoScalingClient, type AutoScalingClientConfig } from "@aws-sdk/client-auto-scaling";
import { type AwsClientOptions, pinnedClientConfig } from "./aws-client-options.js";

export type AutoScalingClientOptions = AwsClientOptions<AutoScalingClientConfig["credentials"]>;

export function createAutoScalingClient(options: AutoScalingClientOptions): AutoScalingClient {
  return new AutoScalingClient(pinnedClientConfig(options));
}
