/**
 * Termination notices from the fake IMDS, seen by the real watcher, acted on
 * by the release plan against the fake EC2 through the real SDK: devices go
 * back to the kernel, owned ENIs are detached and deleted before the
 * deadline, foreign ENIs are never touched, each notice acts once.
 */
import t from "tap";
import { leakedEnis } from "../../src/sim/aws/seed-instance.js";
import { alternatingRandom, waitFor } from "../aws/helpers.js";
import { MUTATING } from "../aws/release-fixture.js";
import { watchedHost } from "./termination-host.js";

t.test("spot notice: devices restored, owned ENIs released, before the deadline", async (t) => {
  const host = await watchedHost(t, { owned: 3, notOwned: 1 });
  const { time } = host.imds.announceSpot("terminate", 120_000);
  await waitFor(() => host.runs.length === 1, 5_000);
  const result = await host.runs[0]!;
  t.equal(result.plan.status, "succeeded");
  t.ok(result.plan.finishedAtMs! < Date.parse(time), "finished before the notice's time");
  t.equal(host.bound.size, 0, "every DPDK device is back with the kernel");
  t.equal(host.restored.length, 4);
  for (const id of host.ownedIds) t.notOk(host.ec2.model.enis.has(id), `${id} deleted`);
  const foreign = host.notOwned[0]!;
  t.ok(host.ec2.model.enis.get(foreign.id)?.attachment, "the foreign ENI is still attached");
  const named = host.ec2.requests.filter(
    (r) => MUTATING.has(r.action) && JSON.stringify(r.params).includes(foreign.id),
  );
  t.same(named, [], "never detached or deleted");
  host.ec2.model.terminateInstance(host.instanceId);
  t.same(leakedEnis(host.ec2.model, host.ownedIds), [], "nothing owned is left to leak");
});

t.test("ASG Terminated: acted on exactly once though polled many times", async (t) => {
  const host = await watchedHost(t, { owned: 2, notOwned: 1 });
  host.imds.setAsgState("Terminated");
  await waitFor(() => host.runs.length === 1, 5_000);
  const result = await host.runs[0]!;
  t.equal(result.plan.status, "succeeded");
  const getsBefore = host.imds.stats.gets;
  const since = host.clock.now();
  // Polls come every 5 s of the virtual clock: 40 GETs of 4 paths are 50 s.
  await waitFor(() => host.imds.stats.gets - getsBefore >= 40, 5_000);
  t.ok(host.clock.now() - since >= 45_000, "the watcher kept polling for most of a minute");
  t.equal(host.notices.length, 1, "one notice");
  t.equal(host.runs.length, 1, "one plan");
  t.equal(host.restored.length, 3, "each device restored once");
  t.equal(host.ec2.succeeded("DetachNetworkInterface"), 2, "one detach per owned ENI");
  t.equal(host.ec2.succeeded("DeleteNetworkInterface"), 2);
  // Even asked again directly (e.g. after the watcher restarted), the plan refuses.
  const again = await host.plan.run(host.notices[0]!);
  t.equal(again.run, "already-finished");
  t.equal(host.ec2.succeeded("DetachNetworkInterface"), 2);
});

t.test("50% of EC2 requests throttled: still done before the deadline", async (t) => {
  const host = await watchedHost(t, {
    owned: 4,
    notOwned: 0,
    fakeDeps: { random: alternatingRandom() },
  });
  host.ec2.throttleRate = 0.5;
  const { time } = host.imds.announceSpot("terminate", 120_000);
  await waitFor(() => host.runs.length === 1, 5_000);
  const result = await host.runs[0]!;
  t.equal(result.plan.status, "succeeded");
  t.ok(result.plan.finishedAtMs! < Date.parse(time));
  for (const id of host.ownedIds) t.notOk(host.ec2.model.enis.has(id));
  const throttled = host.ec2.requests.filter((r) => r.errorCode === "RequestLimitExceeded");
  t.ok(throttled.length > 3, `${throttled.length} throttled requests absorbed`);
});

t.test("IMDS down: no action, and the watcher reports unhealthy", async (t) => {
  const host = await watchedHost(t, { owned: 2, notOwned: 0 });
  host.imds.down = true;
  host.imds.announceSpot("terminate", 120_000);
  host.imds.setAsgState("Terminated");
  await waitFor(() => !host.watcher.getHealth().healthy && failing(host.watcher) >= 3, 5_000);
  await host.clock.sleep(30_000);
  t.same(host.notices, [], "no notice invented");
  t.same(host.runs, []);
  t.same(host.restored, []);
  t.same(host.ec2.requests, [], "no EC2 call at all");
  t.equal(host.watcher.getHealth().healthy, false);
});

function failing(watcher: { getHealth(): { sources: readonly { consecutiveErrors: number }[] } }) {
  return Math.min(...watcher.getHealth().sources.map((s) => s.consecutiveErrors));
}
