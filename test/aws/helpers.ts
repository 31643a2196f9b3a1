/** Shared set-up for the AWS tests: fakes on real sockets and a hand-driven clock. */
import { ImdsClient, type ImdsClientOptions } from "../../src/aws/imds-client.js";
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
