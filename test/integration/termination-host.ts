/**
 * An instance for the termination tests without the daemon: a fake IMDS and
 * a fake EC2 that agree on the instance, the termination watcher polling the
 * IMDS through the real client, and a release plan fed by it, the way the
 * agent wires them. Timings are scaled down (notices seconds ahead, polls
 * every 20 ms).
 */

import { ImdsClient } from "../../src/aws/imds-client.js";
import type { ReleasePlanOptions } from "../../src/aws/release-plan.js";
import type { ReleasePlanResult } from "../../src/aws/release-plan-types.js";
import type { TerminationNotice } from "../../src/aws/termination-notice.js";
import { TerminationWatcher } from "../../src/aws/termination-watcher.js";
import type { EniId } from "../../src/common/index.js";
import type { FakeEc2Deps } from "../../src/sim/aws/fake-ec2.js";
import { FakeImds } from "../../src/sim/aws/fake-imds.js";
import type { Teardown } from "../aws/helpers.js";
import { releaseHost } from "../aws/release-fixture.js";

export interface WatchedHostOptions {
  owned?: number;
  notOwned?: number;
  plan?: ReleasePlanOptions;
  asgHookTimeoutMs?: number;
  /** The fake EC2's clock and random source (its throttling draws from the latter). */
  fakeDeps?: FakeEc2Deps;
}

export async function watchedHost(t: Teardown, options: WatchedHostOptions = {}) {
  const host = await releaseHost(t, {
    owned: options.owned ?? 3,
    notOwned: options.notOwned ?? 1,
    fake: { detachDelayMs: 150 },
    fakeDeps: options.fakeDeps,
    plan: { graceMs: 200, workReserveMs: 1000, deadlineMarginMs: 500, ...options.plan },
  });
  host.ec2.latencyMs = 5;
  const imds = new FakeImds();
  imds.data.instanceId = host.instanceId;
  await imds.start(AbortSignal.timeout(120_000));
  t.teardown(() => imds.stop());
  const client = new ImdsClient(
    {},
    { endpoint: imds.url, requestTimeoutMs: 200, budgetMs: 400, retryBaseDelayMs: 5 },
  );
  const notices: TerminationNotice[] = [];
  const runs: Promise<ReleasePlanResult>[] = [];
  const watcher = new TerminationWatcher(
    {
      imds: client,
      onNotice: (notice) => {
        notices.push(notice);
        if (notice.triggersRelease) runs.push(host.plan.run(notice));
      },
    },
    {
      spotIntervalMs: 20,
      asgIntervalMs: 20,
      scheduledIntervalMs: 50,
      rebalanceIntervalMs: 50,
      errorBackoffMaxMs: 100,
      asgLifecycleHookTimeoutMs: options.asgHookTimeoutMs ?? 10_000,
    },
  );
  await watcher.start(AbortSignal.timeout(120_000));
  t.teardown(() => watcher.stop());
  const ownedIds = host.owned.map((e) => e.id as EniId);
  return { ...host, imds, client, watcher, notices, runs, ownedIds };
}
