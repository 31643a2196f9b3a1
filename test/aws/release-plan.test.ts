import t from "tap";
import {
  MemoryReleasePlanStore,
  type ReleasePlanRecord,
} from "../../src/aws/release-plan/index.js";
import type { TerminationNotice } from "../../src/aws/termination-notice.js";
import { leakedEnis } from "../../src/sim/aws/seed-instance.js";
import { alternatingRandom } from "./helpers.js";
import { MUTATING, pciOf, releaseHost } from "./release-fixture.js";

const mutations = <R extends { action: string }>(requests: R[]) =>
  requests.filter((r) => MUTATING.has(r.action));

t.test(
  "spot terminate: devices restored first, owned ENIs deleted, others untouched",
  async (t) => {
    const host = await releaseHost(t, { owned: 3, notOwned: 1 });
    const notice = host.spot();
    const before = host.ec2.requests.length;
    const result = await host.plan.run(notice);
    t.equal(result.run, "started");
    t.equal(result.plan.status, "succeeded");
    t.ok((result.plan.finishedAtMs ?? Infinity) < notice.deadlineMs!, "done before the deadline");
    t.same([...host.restored].sort(), [pciOf(1), pciOf(2), pciOf(3), pciOf(4)]);
    t.equal(host.bound.size, 0, "no device left with DPDK");
    for (const eni of host.owned) t.notOk(host.ec2.model.enis.has(eni.id), `${eni.id} deleted`);
    const foreign = host.notOwned[0]!;
    t.ok(host.ec2.model.enis.get(foreign.id)?.attachment, "the foreign ENI stays attached");
    const touched = mutations(host.ec2.requests.slice(before)).filter((r) =>
      JSON.stringify(r.params).includes(foreign.id),
    );
    t.same(touched, [], "no mutating call names the foreign ENI");
    t.match(
      result.plan.enis.find((e) => e.eniId === foreign.id),
      { action: "skip", outcome: "skipped" },
    );
  },
);

t.test("restores happen before the first detach; events frame the run", async (t) => {
  const detachesSeen: number[] = [];
  const host = await releaseHost(t, {
    owned: 2,
    notOwned: 0,
    onRestore: () =>
      detachesSeen.push(
        host.ec2.requests.filter((r) => r.action === "DetachNetworkInterface").length,
      ),
  });
  const notice = host.spot();
  await host.plan.run(notice);
  t.same(detachesSeen, [0, 0], "both devices were back with the kernel before any detach");
  const first = host.events[0];
  t.equal(first?.type, "planned");
  if (first?.type === "planned") {
    t.equal(first.plan.deadlineMs, notice.deadlineMs, "the plan carries the deadline");
    t.equal(first.plan.enis.length, 2);
    t.equal(first.plan.restores.length, 2);
  }
  t.equal(host.events.at(-1)?.type, "finished");
  const outcomes = host.events.flatMap((e) =>
    e.type === "eni" && e.step.outcome ? [e.step.outcome] : [],
  );
  t.same(outcomes, ["deleted", "deleted"]);
});

t.test("a plan acts once per notice: joined while running, refused when finished", async (t) => {
  const host = await releaseHost(t, { owned: 2, notOwned: 0 });
  const notice = host.spot();
  const [a, b] = await Promise.all([host.plan.run(notice), host.plan.run(notice)]);
  t.same([a.run, b.run].sort(), ["joined", "started"]);
  const calls = mutations(host.ec2.requests).length;
  t.equal(calls, 4, "one detach and one delete per ENI");
  const again = await host.plan.run(notice);
  t.equal(again.run, "already-finished");
  t.equal(mutations(host.ec2.requests).length, calls, "no call the second time");
  t.equal(host.restored.length, 2, "each device restored once");
});

t.test("DeleteOnTermination set at bind: a terminating plan makes no mutating call", async (t) => {
  const host = await releaseHost(t, { owned: 3, notOwned: 1, deleteOnTermination: true });
  const result = await host.plan.run(host.spot());
  t.equal(result.plan.status, "succeeded");
  t.same(mutations(host.ec2.requests), [], "no detach, delete or modify");
  t.ok(result.plan.enis.filter((e) => e.action === "covered").length === 3);
  t.equal(host.restored.length, 4, "devices still go back to the kernel");
  host.ec2.model.terminateInstance(host.instanceId);
  const ids = host.owned.map((e) => e.id);
  t.same(leakedEnis(host.ec2.model, ids), [], "EC2 deleted every owned ENI with the instance");
});

t.test("a stop is not a termination: marked ENIs are still detached and deleted", async (t) => {
  const host = await releaseHost(t, { owned: 2, notOwned: 0, deleteOnTermination: true });
  const result = await host.plan.run(host.spot(120_000, "stop"));
  t.equal(result.plan.terminating, false);
  t.equal(result.plan.status, "succeeded");
  for (const eni of host.owned) t.notOk(host.ec2.model.enis.has(eni.id));
});

t.test("dry run: DryRun on every mutation, nothing changes, no restore, no journal", async (t) => {
  const store = new MemoryReleasePlanStore();
  const host = await releaseHost(t, { owned: 3, notOwned: 1, store });
  const result = await host.plan.run(host.spot(), { dryRun: true });
  t.equal(result.plan.dryRun, true);
  const sent = mutations(host.ec2.requests);
  t.ok(sent.length >= 3, `${sent.length} mutating requests, all dry`);
  for (const r of sent) {
    t.equal(r.params.DryRun, "true");
    t.equal(r.errorCode, "DryRunOperation");
  }
  for (const eni of host.owned) t.ok(host.ec2.model.enis.get(eni.id)?.attachment, "still attached");
  t.same(host.restored, [], "restore never called");
  t.equal(host.bound.size, 4);
  t.equal(store.saves, 0, "nothing journaled");
  t.same(
    result.plan.restores.map((r) => r.status),
    ["dry-run", "dry-run", "dry-run", "dry-run"],
  );
  const real = await host.plan.run(host.spot());
  t.equal(real.run, "started", "a dry run does not use up the notice");
});

t.test("short on time: DeleteOnTermination is marked before any detach", async (t) => {
  const host = await releaseHost(t, {
    owned: 3,
    notOwned: 0,
    plan: { secureFirstBelowMs: 60_000 },
  });
  const result = await host.plan.run(host.spot(40_000));
  t.equal(result.plan.status, "succeeded");
  const actions = mutations(host.ec2.requests).map((r) => r.action);
  const firstDetach = actions.indexOf("DetachNetworkInterface");
  t.same(
    actions.slice(0, firstDetach),
    Array(3).fill("ModifyNetworkInterfaceAttribute"),
    "every ENI protected first",
  );
  for (const eni of host.owned) t.notOk(host.ec2.model.enis.has(eni.id), "then released");
});

t.test("a device that does not come back keeps its ENI attached, marked", async (t) => {
  const host = await releaseHost(t, { owned: 2, notOwned: 0, failRestore: [pciOf(1)] });
  const result = await host.plan.run(host.spot());
  t.equal(result.plan.status, "failed");
  const [stuck, fine] = host.owned;
  const attachment = host.ec2.model.enis.get(stuck!.id)?.attachment;
  t.ok(attachment, "not detached under its DPDK application");
  t.equal(attachment?.deleteOnTermination, true, "but it will not leak on termination");
  t.match(result.plan.enis[0], { phase: "failed", error: { guard: "device-not-restored" } });
  t.notOk(host.ec2.model.enis.has(fine!.id), "the other ENI is released");
});

t.test(
  "ENI ids not read yet: devices matched to their ENIs by MAC, back before detach",
  async (t) => {
    const detachesSeen: number[] = [];
    const host = await releaseHost(t, {
      owned: 2,
      notOwned: 1,
      eniIdsUnknown: true,
      onRestore: () =>
        detachesSeen.push(
          host.ec2.requests.filter((r) => r.action === "DetachNetworkInterface").length,
        ),
    });
    const result = await host.plan.run(host.spot());
    t.equal(result.plan.status, "succeeded");
    t.same(detachesSeen, [0, 0, 0], "every device was back before the first detach");
    t.same(
      result.plan.enis.map((e) => [e.eniId, e.device]),
      host.owned.map((eni, i) => [eni.id, pciOf(i + 1)]),
      "each owned ENI's step waits for its own device",
    );
    for (const eni of host.owned) t.notOk(host.ec2.model.enis.has(eni.id), `${eni.id} deleted`);
  },
);

t.test("50% throttling: still done before the deadline", async (t) => {
  const host = await releaseHost(t, {
    owned: 4,
    notOwned: 1,
    fake: { detachDelayMs: 100 },
    fakeDeps: { random: alternatingRandom() },
  });
  host.ec2.throttleRate = 0.5;
  const notice = host.spot();
  const result = await host.plan.run(notice);
  t.equal(result.plan.status, "succeeded", JSON.stringify(result.plan.enis.map((e) => e.error)));
  t.ok((result.plan.finishedAtMs ?? Infinity) < notice.deadlineMs! - 100);
  const throttled = host.ec2.requests.filter((r) => r.errorCode === "RequestLimitExceeded");
  t.ok(throttled.length > 0, `${throttled.length} requests throttled`);
  for (const eni of host.owned) t.notOk(host.ec2.model.enis.has(eni.id));
});

t.test("paused mid-plan and resumed: goes on, already-gone is success", async (t) => {
  const store = new MemoryReleasePlanStore();
  const host = await releaseHost(t, { owned: 3, notOwned: 0, store, plan: { concurrency: 1 } });
  const notice = host.spot();
  // The agent stops the moment EC2 has deleted the first ENI, before the plan hears of it.
  const stop = new AbortController();
  const deleteEni = host.ec2.model.deleteEni.bind(host.ec2.model);
  host.ec2.model.deleteEni = (id, dryRun) => {
    deleteEni(id, dryRun);
    stop.abort();
  };
  const paused = await host.plan.run(notice, { signal: stop.signal });
  host.ec2.model.deleteEni = deleteEni;
  t.equal(paused.plan.status, "running", "a paused plan stays unfinished");
  const saved = (await store.load(notice.key)) as ReleasePlanRecord;
  t.equal(saved.enis.filter((e) => e.phase === "done").length, 0, "the delete was not journaled");
  t.equal(host.ec2.succeeded("DeleteNetworkInterface"), 1, "EC2 deleted one ENI");
  // Someone else deletes an ENI the plan had not finished (pausing can also
  // land between a delete and its journal entry: the same answer then).
  const left = saved.enis.find((e) => e.phase !== "done")!;
  t.ok(left, "an ENI not finished yet");
  host.ec2.model.enis.delete(left.eniId);
  const resumed = await host.plan.run(notice);
  t.equal(resumed.run, "resumed");
  t.equal(resumed.plan.status, "succeeded");
  t.equal(resumed.plan.resumes, 1);
  t.equal(resumed.plan.enis.find((e) => e.eniId === left.eniId)?.outcome, "already-gone");
  for (const o of host.owned) t.notOk(host.ec2.model.enis.has(o.id));
});

t.test("the plan is journaled before the first mutating call", async (t) => {
  const saves: number[] = [];
  const store = new MemoryReleasePlanStore();
  const host = await releaseHost(t, { owned: 2, notOwned: 0, store });
  const save = store.save.bind(store);
  store.save = async (record) => {
    saves.push(mutations(host.ec2.requests).length);
    await save(record);
  };
  const notice = host.spot();
  await host.plan.run(notice);
  t.equal(saves[0], 0);
  t.ok(saves.length >= 3, `${saves.length} saves`);
  t.equal((await store.load(notice.key))?.status, "succeeded", "kept under the notice's key");
  t.equal((await store.load(host.manual().key))?.status, undefined, "and only under it");
});

t.test("release modes", async (t) => {
  t.test("detach keeps the ENI", async (t) => {
    const host = await releaseHost(t, { owned: 2, notOwned: 0, plan: { mode: "detach" } });
    const result = await host.plan.run(host.manual());
    t.equal(result.plan.status, "succeeded");
    await host.clock.sleep(5_000);
    host.ec2.model.settle();
    for (const eni of host.owned) {
      t.ok(host.ec2.model.enis.has(eni.id), "kept");
      t.equal(host.ec2.model.enis.get(eni.id)?.attachment, undefined, "detached");
    }
    t.equal(host.ec2.succeeded("DeleteNetworkInterface"), 0);
  });
  t.test("delete-on-termination marks and leaves attached", async (t) => {
    const host = await releaseHost(t, {
      owned: 2,
      notOwned: 0,
      plan: { mode: "delete-on-termination" },
    });
    const result = await host.plan.run(host.spot());
    t.equal(result.plan.status, "succeeded");
    for (const eni of host.owned) {
      t.equal(host.ec2.model.enis.get(eni.id)?.attachment?.deleteOnTermination, true);
    }
    t.equal(host.ec2.succeeded("DetachNetworkInterface"), 0);
  });
  t.test("none restores devices and calls nothing", async (t) => {
    const host = await releaseHost(t, { owned: 2, notOwned: 0, plan: { mode: "none" } });
    await host.plan.run(host.spot());
    t.same(mutations(host.ec2.requests), []);
    t.equal(host.restored.length, 2);
  });
});

t.test(
  "EC2 unreachable at notice time: devices restored, plan failed with the reason",
  async (t) => {
    const host = await releaseHost(t, { owned: 2, notOwned: 0 });
    await host.ec2.stop();
    const result = await host.plan.run(host.spot(30_000));
    t.equal(result.plan.status, "failed");
    // Retried until the deadline: the last failure says why.
    t.match(result.plan.listError, {
      code: /^(UNAVAILABLE|DEADLINE_EXCEEDED)$/,
      message: /unreachable/,
    });
    t.equal(host.restored.length, 2, "the local half does not wait for EC2");
  },
);

t.test("listing throttled at notice time: restores do not wait, the listing goes on", async (t) => {
  const describedAtRestore: number[] = [];
  const host = await releaseHost(t, {
    owned: 2,
    notOwned: 0,
    onRestore: () => describedAtRestore.push(host.ec2.succeeded("DescribeNetworkInterfaces")),
  });
  host.ec2.throttleNext(6, "DescribeNetworkInterfaces");
  const result = await host.plan.run(host.spot());
  t.same(describedAtRestore, [0, 0], "devices went back before EC2 answered a listing");
  t.equal(result.plan.status, "succeeded");
  t.equal(result.plan.listError, undefined);
  const planned = host.events.filter((e) => e.type === "planned");
  t.equal(planned.length, 2, "planned again once the ENIs were listed");
  for (const eni of host.owned) t.notOk(host.ec2.model.enis.has(eni.id));
});

t.test(
  "a delete EC2 answers 'is currently in use' is retried until the ENI is released (issue 12)",
  async (t) => {
    // Describe shows `available` a moment before delete accepts it: the race
    // behind InvalidParameterValue "Network interface '…' is currently in use."
    const host = await releaseHost(t, {
      owned: 2,
      notOwned: 0,
      fake: { inUseAfterDetachMs: 1_500 },
    });
    const result = await host.plan.run(host.spot());
    t.equal(result.plan.status, "succeeded", JSON.stringify(result.plan.enis.map((e) => e.error)));
    const refused = host.ec2.requests.filter(
      (r) => r.action === "DeleteNetworkInterface" && r.errorCode === "InvalidParameterValue",
    );
    t.ok(refused.length >= 2, `${refused.length} deletes answered 'in use', then retried`);
    for (const eni of host.owned) t.notOk(host.ec2.model.enis.has(eni.id), `${eni.id} deleted`);
  },
);

t.test("an InvalidParameterValue that is not 'in use' is a bug: not retried", async (t) => {
  const host = await releaseHost(t, { owned: 1, notOwned: 0 });
  host.ec2.failNext(1, {
    action: "DeleteNetworkInterface",
    code: "InvalidParameterValue",
    status: 400,
    message: "Value (eni-) for parameter networkInterfaceId is invalid.",
  });
  const result = await host.plan.run(host.spot());
  t.equal(result.plan.status, "failed");
  t.match(result.plan.enis[0], {
    phase: "failed",
    failedIn: "detached",
    error: { code: "INVALID_ARGUMENT", awsCode: "InvalidParameterValue" },
  });
  t.equal(host.ec2.requests.filter((r) => r.action === "DeleteNetworkInterface").length, 1);
});

t.test(
  "once per notice and per boot: a new boot's notice gets a new plan (issue 12)",
  async (t) => {
    const store = new MemoryReleasePlanStore();
    const first = await releaseHost(t, { owned: 1, notOwned: 0, store });
    const notice = first.spot(120_000, "stop");
    t.equal((await first.plan.run(notice)).run, "started");
    t.equal((await first.plan.run(notice)).run, "already-finished", "the same boot: nothing again");
    // The instance stopped and started again: the notice key is the same
    // ("spot:stop"), the journal survived, the boot is a new one.
    const second = await releaseHost(t, {
      owned: 1,
      notOwned: 0,
      store,
      bootedAtMs: (c) => c.now() + 1,
    });
    await second.clock.sleep(10);
    const again = await second.plan.run(second.spot(120_000, "stop"));
    t.equal(again.run, "started", "a finished plan of an earlier boot does not answer");
    t.equal(again.plan.status, "succeeded");
    t.equal(second.restored.length, 1);
  },
);

t.test("an earlier deadline for the running notice moves the plan's (issue 12)", async (t) => {
  const answers: string[] = [];
  let earlier: TerminationNotice | undefined;
  const host = await releaseHost(t, {
    owned: 2,
    notOwned: 0,
    // As soon as it is planned, the notice's time comes back earlier, then later.
    onEvent: (event) => {
      if (event.type !== "planned" || earlier !== undefined) return;
      earlier = { ...notice, deadlineMs: host.clock.now() + 2_000 };
      answers.push(host.plan.noticeChanged(earlier));
      answers.push(host.plan.noticeChanged({ ...notice, deadlineMs: notice.deadlineMs + 60_000 }));
    },
  });
  const notice = host.spot(120_000);
  const result = await host.plan.run(notice);
  t.same(answers, ["moved", "kept"], "an earlier time applies; a later one never extends the plan");
  t.equal(result.plan.deadlineMs, earlier?.deadlineMs, "journaled with the earlier deadline");
  t.equal(result.plan.status, "failed", "2 s (less the margin) is too short to release anything");
  t.match(result.plan.enis[0], { phase: "failed", error: { code: "DEADLINE_EXCEEDED" } });
  const planned = host.events.filter((e) => e.type === "planned");
  t.equal(planned.length, 2, "the change is reported as the plan again");
  t.equal(host.plan.noticeChanged(notice), "not-running", "nothing to move afterwards");
});
