/** Shared set-up for the AWS tests: fakes on real sockets and a hand-driven clock. */
import type { EC2Client } from "@aws-sdk/client-ec2";
import { Ec2Actions, type Ec2ActionsOptions } from "../../src/aws/ec2-actions.js";
import { createEc2Client } from "../../src/aws/ec2-client.js";
import { ImdsClient, type ImdsClientOptions } from "../../src/aws/imds-client.js";
import { FakeEc2, type FakeEc2Deps, type FakeEc2Options } from "../../src/sim/aws/fake-ec2.js";
import { FakeImds } from "../../src/sim/aws/fake-imds.js";

export interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface ImdsSetup {
  imds: FakeImds;
  client: ImdsClient;
  now: () => number;
  advance: (ms: number) => void;
}

/** A started fake IMDS and a client sharing one wall clock that only moves when told. */
export async function startImds(t: Teardown, options: ImdsClientOptions = {}): Promise<ImdsSetup> {
  let clock = Date.parse("2026-01-07T01:00:00Z");
  const now = (): number => clock;
  const imds = new FakeImds({ now });
  await imds.start(AbortSignal.timeout(60_000));
  t.teardown(() => imds.stop());
  const client = new ImdsClient(
    { now },
    { endpoint: imds.url, retryBaseDelayMs: 5, retryMaxDelayMs: 20, ...options },
  );
  return {
    imds,
    client,
    now,
    advance: (ms) => {
      clock += ms;
    },
  };
}

/** Resolves once `condition()` holds; rejects after `limitMs` (a bound, not a timing claim). */
export async function waitFor(condition: () => boolean, limitMs = 5000): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > limitMs) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface Ec2Setup {
  ec2: FakeEc2;
  client: EC2Client;
  actions: Ec2Actions;
  instanceId: string;
  /** A call deadline `ms` from now. */
  within: (ms?: number) => { deadlineMs: number };
}

export const OWNER = { tagKey: "eni-agent.io/owner", tagValue: "i-test" } as const;

/** A started fake EC2 with one running instance, a real SDK client and the actions layer. */
export async function startEc2(
  t: Teardown,
  options: {
    fake?: FakeEc2Options;
    /** The fake's clock and random source (its throttling draws from the latter). */
    fakeDeps?: FakeEc2Deps | undefined;
    actions?: Partial<Ec2ActionsOptions>;
    maxAttempts?: number;
  } = {},
): Promise<Ec2Setup> {
  const ec2 = new FakeEc2(options.fakeDeps, options.fake);
  await ec2.start(AbortSignal.timeout(60_000));
  t.teardown(() => ec2.stop());
  const client = createEc2Client({
    region: "us-east-1",
    endpoint: ec2.url,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: options.maxAttempts ?? 3,
  });
  t.teardown(() => client.destroy());
  const actions = new Ec2Actions(
    { client },
    { owner: OWNER, waitBaseDelayMs: 10, waitMaxDelayMs: 40, pageSize: 5, ...options.actions },
  );
  const instanceId = ec2.model.createInstance().id;
  return {
    ec2,
    client,
    actions,
    instanceId,
    within: (ms = 10_000) => ({ deadlineMs: Date.now() + ms }),
  };
}

/**
 * A random source for the fake EC2 that answers 0 and 0.99 in turn: with a
 * throttle rate of 0.5, every other request is throttled, so a test of
 * throttling sees the same number of throttles on every run.
 */
export function alternatingRandom(): () => number {
  let next = 0;
  return () => (next++ % 2 === 0 ? 0 : 0.99);
}
