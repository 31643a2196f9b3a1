/** Shared set-up for the AWS tests: fakes on real sockets and a hand-driven clock. */
import type { EC2Client } from "@aws-sdk/client-ec2";
import { Ec2Actions, type Ec2ActionsOptions } from "../../src/aws/ec2-actions.js";
import { createEc2Client } from "../../src/aws/ec2-client.js";
import { ImdsClient, type ImdsClientOptions } from "../../src/aws/imds-client.js";
import { type Clock, steppingClock, wallClock } from "../../src/common/index.js";
import { FakeEc2, type FakeEc2Deps, type FakeEc2Options } from "../../src/sim/aws/fake-ec2.js";
import { FakeImds } from "../../src/sim/aws/fake-imds.js";

export interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface ImdsSetup {
  imds: FakeImds;
  client: ImdsClient;
  now: () => number;
  /** `now` as a Clock (its sleeps are real: the tests that use it drive polls by hand). */
  clock: Clock;
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
    clock: { ...wallClock, now },
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
  /** The fake's and the actions' clock (virtual time unless the test passed a real one). */
  clock: Clock;
  /** A call deadline `ms` from now. */
  within: (ms?: number) => { deadlineMs: number };
}

/** Where virtual time starts in the AWS tests: an epoch value, as deadlines are. */
export const T0 = Date.parse("2026-01-07T01:00:00Z");

export const OWNER = { tagKey: "eni-agent.io/owner", tagValue: "i-test" } as const;

/**
 * A started fake EC2 with one running instance, a real SDK client and the
 * actions layer, on one clock: a stepping clock by default, so detach
 * delays, waits, backoff and client-side buckets cost no wall time. The
 * SDK makes one attempt per call unless told otherwise: its own retry
 * delays are real timers no test clock can step.
 */
export async function startEc2(
  t: Teardown,
  options: {
    fake?: FakeEc2Options;
    /** The fake's random source (its throttling draws from it). */
    fakeDeps?: Pick<FakeEc2Deps, "random"> | undefined;
    actions?: Partial<Ec2ActionsOptions>;
    maxAttempts?: number;
    clock?: Clock;
  } = {},
): Promise<Ec2Setup> {
  const clock = options.clock ?? steppingClock(T0);
  const ec2 = new FakeEc2({ ...options.fakeDeps, clock }, options.fake);
  await ec2.start(AbortSignal.timeout(60_000));
  t.teardown(() => ec2.stop());
  const client = createEc2Client({
    region: "us-east-1",
    endpoint: ec2.url,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: options.maxAttempts ?? 1,
  });
  t.teardown(() => client.destroy());
  const actions = new Ec2Actions(
    { client, clock },
    { owner: OWNER, waitBaseDelayMs: 10, waitMaxDelayMs: 40, pageSize: 5, ...options.actions },
  );
  const instanceId = ec2.model.createInstance().id;
  return {
    ec2,
    client,
    actions,
    instanceId,
    clock,
    within: (ms = 10_000) => ({ deadlineMs: clock.now() + ms }),
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
