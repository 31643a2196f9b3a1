/**
 * The shape of an AWS Region name ("us-east-1", "ap-southeast-2",
 * "us-gov-west-1"). Checked before a region reaches the SDK's endpoint
 * resolver, whether it came from configuration or from IMDS.
 */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

export function isAwsRegion(input: string): boolean {
  return REGION.test(input);
}
