/**
 * Builds the SDK's EC2 client with everything the deadline math depends on
 * set explicitly (see aws-client-options.ts). The caller owns the client and
 * calls `destroy()` to close its sockets.
 */
import { EC2Client, type EC2ClientConfig } from "@aws-sdk/client-ec2";
import { type AwsClientOptions, pinnedClientConfig } from "./aws-client-options.js";

export type Ec2ClientOptions = AwsClientOptions<EC2ClientConfig["credentials"]>;

export function createEc2Client(options: Ec2ClientOptions): EC2Client {
  return new EC2Client(pinnedClientConfig(options));
}
