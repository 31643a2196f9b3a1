/**
 * Notice → last owned ENI deleted, for one host with 2, 8 and 15 owned ENIs
 * (15: the most one network card takes), against a fake EC2 answering every
 * request after 100 ms, with detach taking 2 s (EC2: 2–3 s), at 0% and 30%
 * of requests throttled (RequestLimitExceeded, on top of the documented
 * buckets). One sample = one notice on a fresh account (new fake, new
 * client): list, restore, then detach, wait for `available`, delete, with
 * the defaults (4 mutating calls in flight, a shared wait for `available`)
 * and the SDK's pinned standard retries.
 */
import type { FakeEc2 } from "../../src/sim/aws/fake-ec2.js";
import { type BenchCase, defineBench } from "../support/bench.js";
import { benchAgent, seed, spotNotice, startFakeEc2 } from "./release-support.js";

async function releaseOnce(enis: number, throttleRate: number, concurrency?: number) {
  const ec2: FakeEc2 = await startFakeEc2({ latencyMs: 100, throttleRate });
  try {
    const agent = benchAgent(ec2, seed(ec2, enis), concurrency ? { concurrency } : {});
    try {
      const { plan } = await agent.plan.run(spotNotice());
      const left = agent.instance.owned.filter((e) => ec2.model.enis.has(e.id)).length;
      if (plan.status !== "succeeded" || left > 0) {
        throw new Error(`plan ${plan.status}, ${left} ENIs left: ${JSON.stringify(plan.enis)}`);
      }
    } finally {
      agent.client.destroy();
    }
  } finally {
    await ec2.stop();
  }
}

const cases: BenchCase[] = [];
for (const throttle of [0, 0.3]) {
  for (const enis of [2, 8, 15]) {
    cases.push({
      name: `${enis} ENIs, ${throttle * 100}% throttled`,
      run: () => releaseOnce(enis, throttle),
    });
  }
}
cases.push({
  name: "15 ENIs, 30% throttled, concurrency 8",
  run: () => releaseOnce(15, 0.3, 8),
});

export default defineBench({
  title: "Release plan: notice → last owned ENI deleted (100 ms API latency, 2 s detach)",
  adapter: "FakeEc2 on 127.0.0.1 (real SDK, documented buckets), ReleasePlan, restores stubbed",
  samples: 5,
  warmup: 1,
  cases: () => cases,
  baselines: {
    "15 ENIs, 30% throttled": "15 ENIs, 0% throttled",
    "15 ENIs, 30% throttled, concurrency 8": "15 ENIs, 30% throttled",
  },
  targets: [{ case: "15 ENIs, 30% throttled", maxMedianMs: 10_000 }],
  notes: [
    "Per ENI: the detach (its owner check uses the plan's own listing), the shared wait for `available` (one describe per round for every ENI waiting, rounds 250 ms → 1 s; detach takes 2 s in the fake), then the delete (owner check from the wait's describe); each request answered after 100 ms.",
    "Every ENI is worked on at once; at most `concurrency` (4) detach/delete steps are in flight. Concurrency 8 against 4 at 30%: the call slots are not the bottleneck; retry backoff is.",
    "Throttled requests are retried by the SDK (standard mode, 3 attempts, throttling backoff) and then by the plan (backoff 200 ms → 10 s) inside the notice's deadline; none fails the plan.",
    "The grace for DPDK applications (termination.dpdkGraceMs, 5 s by default) is set to 0 here: it adds its own configured time. Restores are stubbed (see the driver benchmarks).",
  ],
});
