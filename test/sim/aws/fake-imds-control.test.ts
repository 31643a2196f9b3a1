import t from "tap";
import { FakeImds } from "../../../src/sim/aws/fake-imds.js";
import { SIM_CONTROL_PATH, SIM_TOKEN_HEADER } from "../../../src/sim/aws/fake-imds-control.js";

async function started(t: { teardown(fn: () => unknown): void }) {
  let clock = Date.parse("2026-01-07T01:00:00Z");
  const imds = new FakeImds({ now: () => clock }, { controlToken: "secret-token" });
  await imds.start(AbortSignal.timeout(30_000));
  t.teardown(() => imds.stop());
  const post = (body: unknown, token: string | null = imds.controlToken) =>
    fetch(`${imds.url}${SIM_CONTROL_PATH}`, {
      method: "POST",
      headers: token === null ? {} : { [SIM_TOKEN_HEADER]: token },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const get = async (path: string) => {
    const token = await (
      await fetch(`${imds.url}/latest/api/token`, {
        method: "PUT",
        headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" },
      })
    ).text();
    const r = await fetch(`${imds.url}/latest/meta-data/${path}`, {
      headers: { "x-aws-ec2-metadata-token": token },
    });
    return { status: r.status, body: await r.text() };
  };
  return { imds, post, get, advance: (ms: number) => (clock += ms) };
}

t.test("the control path needs the token and a valid request", async (t) => {
  const { post, get } = await started(t);
  t.equal((await post({ kind: "spot" }, null)).status, 403);
  t.equal((await post({ kind: "spot" }, "wrong-token!")).status, 403);
  t.equal((await post("{not json")).status, 400);
  t.equal((await post({ kind: "meteor" })).status, 400);
  t.equal((await post({ kind: "spot", inSeconds: -1 })).status, 400);
  t.equal((await post({ kind: "spot", action: "explode" })).status, 400);
  t.equal((await get("spot/instance-action")).status, 404, "nothing announced by refusals");
  const get405 = await fetch(`${(await started(t)).imds.url}${SIM_CONTROL_PATH}`);
  t.equal(get405.status, 405);
});

t.test("each kind shows up on its metadata path", async (t) => {
  const { post, get, advance } = await started(t);
  const spot = await post({ kind: "spot", inSeconds: 30, action: "stop" });
  t.equal(spot.status, 200);
  t.same(await spot.json(), {
    kind: "spot",
    detail: { action: "stop", time: "2026-01-07T01:00:30Z" },
  });
  t.same(JSON.parse((await get("spot/instance-action")).body), {
    action: "stop",
    time: "2026-01-07T01:00:30Z",
  });

  t.equal((await post({ kind: "asg", inSeconds: 10 })).status, 200);
  t.equal((await get("autoscaling/target-lifecycle-state")).body, "InService", "not yet");
  advance(10_000);
  t.equal((await get("autoscaling/target-lifecycle-state")).body, "Terminated");

  const scheduled = (await (
    await post({ kind: "scheduled", code: "instance-retirement" })
  ).json()) as {
    detail: { EventId: string };
  };
  const events = JSON.parse((await get("events/maintenance/scheduled")).body) as {
    EventId: string;
    Code: string;
  }[];
  t.match(events, [{ EventId: scheduled.detail.EventId, Code: "instance-retirement" }]);

  t.equal((await post({ kind: "rebalance" })).status, 200);
  t.match(JSON.parse((await get("events/recommendations/rebalance")).body), {
    noticeTime: /^2026-01-07T01:00:10Z$/,
  });
});
