import t from "tap";
import type { NoticeSource, TerminationNotice } from "../../src/aws/termination-notice.js";
import {
  TerminationWatcher,
  type TerminationWatcherOptions,
} from "../../src/aws/termination-watcher.js";
import type { AgentError } from "../../src/common/index.js";
import { formatNoticeTime, formatScheduledDate } from "../../src/sim/aws/fake-imds-data.js";
import { startImds, type Teardown, waitFor } from "./helpers.js";

async function setup(t: Teardown, options: TerminationWatcherOptions = {}, budgetMs = 1000) {
  const env = await startImds(t, { budgetMs, requestTimeoutMs: 500 });
  const notices: TerminationNotice[] = [];
  const changes: { notice: TerminationNotice; previousDeadlineMs: number | undefined }[] = [];
  const errors: { source: NoticeSource; error: AgentError }[] = [];
  const watcher = new TerminationWatcher(
    {
      imds: env.client,
      clock: env.clock,
      onNotice: (n) => notices.push(n),
      onNoticeChanged: (notice, previousDeadlineMs) => changes.push({ notice, previousDeadlineMs }),
      onError: (source, error) => errors.push({ source, error }),
    },
    options,
  );
  t.teardown(() => watcher.stop());
  return { ...env, watcher, notices, changes, errors };
}

t.test("ASG Terminated polled many times is exactly one notice", async (t) => {
  const { imds, watcher, notices, now } = await setup(t, {
    asgLifecycleHookTimeoutMs: 300_000,
    asgIntervalMs: 4_000,
  });
  await watcher.pollAll();
  t.equal(notices.length, 0, "InService is not a notice");
  imds.setAsgState("Terminated");
  const firstSeen = now();
  for (let i = 0; i < 20; i++) await watcher.pollAll();
  t.equal(notices.length, 1);
  const [notice] = notices;
  t.match(notice, { kind: "asg-terminating", state: "Terminated", triggersRelease: true });
  t.equal(
    notice?.deadlineMs,
    firstSeen - 4_000 + 300_000,
    "deadline = one poll interval before the first sight + hook timeout",
  );
});

t.test("a spot notice with the same action and time is one notice", async (t) => {
  const { imds, watcher, notices, changes, advance } = await setup(t);
  const { time } = imds.announceSpot("terminate", 120_000);
  for (let i = 0; i < 5; i++) {
    await watcher.pollAll();
    advance(1000);
  }
  t.equal(notices.length, 1);
  t.match(notices[0], { kind: "spot-interruption", action: "terminate", triggersRelease: true });
  t.equal(notices[0]?.deadlineMs, Date.parse(time), "deadline is the notice's time");
  t.same(changes, [], "an unchanged time is no change");
  imds.announceSpot("stop", 60_000);
  await watcher.pollAll();
  await watcher.pollAll();
  t.equal(notices.length, 2, "a different action is a new notice");
  t.match(notices[1], { action: "stop", triggersRelease: true });
});

t.test("a spot time that moves on every poll is one notice (issue 12)", async (t) => {
  // amazon-ec2-metadata-mock's default: the time is request time + 2 minutes.
  const { imds, watcher, notices, changes, advance } = await setup(t, { sources: ["spot"] });
  imds.announceSpot("terminate", 120_000, { moving: true });
  const first = Date.parse(formatNoticeTime(imds.data.spot!.timeMs));
  for (let i = 0; i < 27; i++) {
    await watcher.pollAll();
    advance(5_000);
  }
  t.equal(notices.length, 1, "27 polls, one notice");
  t.equal(notices[0]?.key, "spot:terminate", "keyed by what it means");
  t.equal(notices[0]?.deadlineMs, first, "the first sighting's time");
  t.equal(changes.length, 26, "every later time is reported as a change of the same notice");
  t.match(changes[0], {
    notice: { key: "spot:terminate", deadlineMs: first + 5_000 },
    previousDeadlineMs: first,
  });
});

t.test("spot hibernate is reported but does not trigger release by default", async (t) => {
  const { imds, watcher, notices } = await setup(t);
  imds.announceSpot("hibernate");
  await watcher.pollAll();
  t.match(notices, [{ kind: "spot-interruption", action: "hibernate", triggersRelease: false }]);
});

t.test("scheduled events: NotBefore is the deadline, canceled ones are ignored", async (t) => {
  const { imds, watcher, notices, now } = await setup(t);
  imds.announceScheduled("instance-stop", { leadTimeMs: 3_600_000, state: "canceled" });
  imds.announceScheduled("instance-retirement", { leadTimeMs: 3_600_000, state: "completed" });
  await watcher.pollAll();
  t.equal(notices.length, 0, "canceled and completed events are not notices");

  const stopId = imds.announceScheduled("instance-stop", { leadTimeMs: 7_200_000 });
  const rebootId = imds.announceScheduled("system-reboot", { leadTimeMs: 7_200_000 });
  await watcher.pollAll();
  await watcher.pollAll();
  t.equal(notices.length, 2);
  const stop = notices.find((n) => n.kind === "scheduled-event" && n.eventId === stopId);
  const reboot = notices.find((n) => n.kind === "scheduled-event" && n.eventId === rebootId);
  t.match(stop, { code: "instance-stop", triggersRelease: true });
  t.match(reboot, { code: "system-reboot", triggersRelease: false });
  // The wire format has whole seconds.
  t.equal(stop?.deadlineMs, Math.floor((now() + 7_200_000) / 1000) * 1000);

  imds.setScheduledState(stopId, "canceled");
  await watcher.pollAll();
  t.equal(notices.length, 2, "a later cancel emits nothing new");
  t.same(
    notices.map((n) => n.key),
    [`scheduled:${stopId}`, `scheduled:${rebootId}`],
    "keyed by EventId",
  );
});

t.test("a malformed scheduled entry does not hide a valid one", async (t) => {
  const { imds, watcher, notices, errors } = await setup(t, { sources: ["scheduled"] });
  const notBefore = formatScheduledDate(Date.parse("2026-02-01T00:00:00Z"));
  imds.setRaw(
    "/latest/meta-data/events/maintenance/scheduled",
    JSON.stringify([
      { Code: "instance-stop", EventId: "instance-event-1", State: "active", NotBefore: "soon" },
      {
        Code: "instance-retirement",
        EventId: "instance-event-2",
        State: "active",
        NotBefore: notBefore,
      },
    ]),
  );
  await watcher.pollAll();
  t.match(notices, [
    { eventId: "instance-event-2", deadlineMs: Date.parse("2026-02-01T00:00:00Z") },
  ]);
  t.match(errors, [{ source: "scheduled", error: { code: "INTERNAL" } }]);
  t.equal(watcher.getHealth().sources[0]?.lastErrorCode, "INTERNAL");
});

t.test("rebalance emits an event that does not act, unless configured", async (t) => {
  const { imds, watcher, notices, advance } = await setup(t);
  imds.announceRebalance();
  await watcher.pollAll();
  advance(60_000);
  imds.announceRebalance();
  await watcher.pollAll();
  t.match(notices, [{ kind: "rebalance-recommendation", triggersRelease: false }]);
  t.equal(notices.length, 1, "a later noticeTime is the same recommendation: once per boot");
  t.equal(notices[0]?.key, "rebalance");
  t.equal(notices[0]?.deadlineMs, undefined);

  const acting = await setup(t, { policy: { rebalance: true }, sources: ["rebalance"] });
  acting.imds.announceRebalance();
  await acting.watcher.pollAll();
  t.match(acting.notices, [{ kind: "rebalance-recommendation", triggersRelease: true }]);
});

t.test("garbage in a notice body is an error, never a notice", async (t) => {
  const { imds, watcher, notices } = await setup(t, { sources: ["spot"] });
  imds.setRaw("/latest/meta-data/spot/instance-action", "{not json");
  await watcher.pollAll();
  imds.setRaw("/latest/meta-data/spot/instance-action", '{"action":"terminate","time":"later"}');
  await watcher.pollAll();
  t.equal(notices.length, 0);
  t.match(watcher.getHealth().sources, [{ consecutiveErrors: 2, lastErrorCode: "INTERNAL" }]);
});

t.test("IMDS down: no notice, unhealthy, still polling; recovery delivers", async (t) => {
  const { imds, watcher, notices, errors } = await setup(
    t,
    {
      spotIntervalMs: 5,
      asgIntervalMs: 5,
      scheduledIntervalMs: 5,
      rebalanceIntervalMs: 5,
      errorBackoffMaxMs: 20,
    },
    100,
  );
  imds.down = true;
  imds.announceSpot("terminate");
  await watcher.start(AbortSignal.timeout(30_000));
  await waitFor(() => watcher.getHealth().sources.every((s) => s.consecutiveErrors >= 3));
  const health = watcher.getHealth();
  t.equal(health.healthy, false);
  t.equal(health.running, true);
  t.match(health.sources[0], { lastErrorCode: "UNAVAILABLE", lastSuccessAtMs: undefined });
  t.equal(notices.length, 0, "no notice without data");
  t.ok(errors.length >= 12);

  imds.down = false;
  await waitFor(() => notices.length === 1 && watcher.getHealth().healthy);
  t.match(notices, [{ kind: "spot-interruption" }]);
  await watcher.stop();
  await watcher.stop();
  t.equal(watcher.getHealth().running, false, "stop is idempotent");
});

t.test("IMDS failing with 500s is retried by the poll loop, not fatal", async (t) => {
  const { imds, watcher, notices } = await setup(t, {
    sources: ["asg"],
    asgIntervalMs: 5,
    errorBackoffMaxMs: 10,
  });
  imds.failNext(30, 500, "/latest/meta-data/autoscaling");
  imds.setAsgState("Terminated");
  await watcher.start(AbortSignal.timeout(30_000));
  await waitFor(() => notices.length === 1);
  t.ok(imds.stats.faultsServed >= 30, "every fault was served before the notice");
  await watcher.stop();
});

t.test("a throwing callback does not stop the watcher", async (t) => {
  const env = await startImds(t);
  const seen: string[] = [];
  const reported: string[] = [];
  const watcher = new TerminationWatcher({
    imds: env.client,
    onNotice: (n) => {
      seen.push(n.kind);
      throw new Error("consumer bug");
    },
    onError: (_source, error) => reported.push(error.code),
  });
  env.imds.announceRebalance();
  env.imds.announceSpot();
  await watcher.pollAll();
  t.same(seen.sort(), ["rebalance-recommendation", "spot-interruption"]);
  t.same(reported, ["INTERNAL", "INTERNAL"]);
});

t.test("stop releases every timer it started", async (t) => {
  const { watcher } = await setup(t, { spotIntervalMs: 50 });
  const timers = (): number =>
    process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  const before = timers();
  await watcher.start(AbortSignal.timeout(30_000));
  await watcher.pollAll();
  await watcher.stop();
  t.ok(timers() <= before, "no timer left behind");
});

t.test("every poll of a running watcher is reported, so health can follow it", async (t) => {
  const env = await startImds(t, { budgetMs: 1000, requestTimeoutMs: 500 });
  const polled: NoticeSource[] = [];
  const watcher = new TerminationWatcher(
    { imds: env.client, onNotice: () => {}, onPolled: (source) => polled.push(source) },
    { spotIntervalMs: 20, asgIntervalMs: 20, sources: ["spot", "asg"] },
  );
  t.teardown(() => watcher.stop());
  await watcher.start(AbortSignal.timeout(30_000));
  await waitFor(() => polled.filter((s) => s === "spot").length >= 2);
  await waitFor(() => polled.filter((s) => s === "asg").length >= 2);
  t.ok(watcher.getHealth().healthy, "healthy once each source answered");
  await watcher.stop();
  const count = polled.length;
  await new Promise((resolve) => setTimeout(resolve, 60));
  t.equal(polled.length, count, "nothing after stop");
});

t.test("sources with the same interval are polled in the same rounds", async (t) => {
  const env = await startImds(t, { budgetMs: 1000, requestTimeoutMs: 500 });
  const polled: NoticeSource[] = [];
  const watcher = new TerminationWatcher(
    { imds: env.client, onNotice: () => {}, onPolled: (source) => polled.push(source) },
    {
      spotIntervalMs: 20,
      asgIntervalMs: 20,
      rebalanceIntervalMs: 60,
      sources: ["spot", "asg", "rebalance"],
    },
  );
  t.teardown(() => watcher.stop());
  await watcher.start(AbortSignal.timeout(30_000));
  await waitFor(() => polled.filter((s) => s === "rebalance").length >= 2);
  await watcher.stop();
  // A round's polls all end before the next round begins, so spot and asg,
  // due together, come in pairs.
  t.same([...polled.slice(0, 3)].sort(), ["asg", "rebalance", "spot"], "the first round polls all");
  const pairs = polled.filter((s) => s !== "rebalance");
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    t.same([pairs[i], pairs[i + 1]].sort(), ["asg", "spot"], `round ${i / 2} polls both`);
  }
});

t.test("bad intervals are refused", async (t) => {
  const env = await startImds(t);
  t.throws(
    () => new TerminationWatcher({ imds: env.client, onNotice: () => {} }, { spotIntervalMs: 0 }),
    { code: "INVALID_ARGUMENT" },
  );
});
