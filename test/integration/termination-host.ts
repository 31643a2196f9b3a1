/**
 * An instance for the termination tests without the daemon: a fake IMDS and
 * a fake EC2 that agree on the instance, the termination watcher polling the
 * IMDS through the real client, and a release plan fed by it, the way the
 * agent wires them. Everything runs on one stepping clock with the daemon's
 * real timings (polls every 5 s, a 2 s detach, a 5 s grace): virtual time,
 * so a two-minute notice costs milliseconds.
 */

import { ImdsClient } from "../../src/aws/imds-client.js";
import type { ReleasePlanOptions, ReleasePlanResult } from "../../src/aws/release-plan/index.js";
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
    fakeDeps: options.fakeDeps,
    ...(options.plan ? { plan: options.plan } : {}),
  });
  const now = () => host.clock.now();
  const imds = new FakeImds({ now });
  imds.data.instanceId = host.instanceId;
  await imds.start(AbortSignal.timeout(120_000));
  t.teardown(() => imds.stop());
  const client = new ImdsClient(
    { now },
    { endpoint: imds.url, requestTimeoutMs: 200, budgetMs: 100, retryBaseDelayMs: 5 },
  );
  const notices: TerminationNotice[] = [];
  const runs: Promise<ReleasePlanResult>[] = [];
  const watcher = new TerminationWatcher(
    {
      imds: client,
      clock: host.clock,
      onNotice: (notice) => {
        notices.push(notice);
        if (notice.triggersRelease) runs.push(host.plan.run(notice));
      },
    },
    { asgLifecycleHookTimeoutMs: options.asgHookTimeoutMs ?? 120_000 },
  );
  await watcher.start(AbortSignal.timeout(120_000));
  t.teardown(() => watcher.stop());
  const ownedIds = host.owned.map((e) => e.id as EniId);
  return { ...host, imds, client, watcher, notices, runs, ownedIds };
}
