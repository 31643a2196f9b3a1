/**
 * DescribeNetworkInterfaces as the agent sends it: always filtered and
 * paginated, which EC2 charges against its cheaper throttling bucket and
 * which keeps every answer bounded.
 */
import { DescribeNetworkInterfacesCommand, type EC2Client, type Filter } from "@aws-sdk/client-ec2";
import { AgentError } from "../common/index.js";
import { callEc2, type Ec2CallContext, type Ec2CallOptions } from "./ec2-call.js";
import { type EniDescription, toEniDescription } from "./eni-description.js";

/** A guard against a service that keeps returning a next token. */
const MAX_PAGES = 1000;

export async function describeNetworkInterfaces(
  client: EC2Client,
  context: Ec2CallContext,
  filters: readonly Filter[],
  pageSize: number,
  call: Ec2CallOptions,
): Promise<EniDescription[]> {
  if (filters.length === 0) {
    throw new AgentError("INVALID_ARGUMENT", "an unfiltered describe is never sent");
  }
  const out: EniDescription[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await callEc2(context, "DescribeNetworkInterfaces", call, (abortSignal) =>
      client.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [...filters],
          MaxResults: pageSize,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal },
      ),
    );
    for (const eni of answer.NetworkInterfaces ?? []) out.push(toEniDescription(eni));
    token = answer.NextToken || undefined;
    if (!token) return out;
  }
  throw new AgentError(
    "INTERNAL",
    `DescribeNetworkInterfaces returned more than ${MAX_PAGES} pages`,
  );
}
