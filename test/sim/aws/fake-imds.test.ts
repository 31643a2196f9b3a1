import t from "tap";
import { FakeImds } from "../../../src/sim/aws/fake-imds.js";

async function setup(t: { teardown: (fn: () => unknown) => void }) {
  let clock = Date.parse("2026-01-07T01:00:00Z");
  const imds = new FakeImds({ now: () => clock });
  await imds.start(AbortSignal.timeout(60_000));
  t.teardown(() => imds.stop());
  const token = await (
    await fetch(`${imds.url}/latest/api/token`, {
      method: "PUT",
      headers: { "x-aws-ec2-metadata-token-ttl-seconds": "300" },
    })
  ).text();
  const get = async (path: string): Promise<[number, string]> => {
    const res = await fetch(`${imds.url}${path}`, {
      headers: { "x-aws-ec2-metadata-token": token },
    });
    return [res.status, await res.text()];
  };
  return { imds, get, advance: (ms: number) => (clock += ms) };
}

t.test("notices are scripted with a lead time, in IMDS formats", async (t) => {
  const { imds, get } = await setup(t);
  t.same(await get("/latest/meta-data/spot/instance-action"), [404, "Not Found"]);
  t.same(await get("/latest/meta-data/events/maintenance/scheduled"), [200, "[]"]);
  imds.announceSpot("stop", 120_000);
  t.same(await get("/latest/meta-data/spot/instance-action"), [
    200,
    '{"action":"stop","time":"2026-01-07T01:02:00Z"}',
  ]);
  t.same(await get("/latest/meta-data/spot/termination-time"), [200, "2026-01-07T01:02:00Z"]);
  const id = imds.announceScheduled("instance-retirement", { leadTimeMs: 3_600_000 });
  const [, body] = await get("/latest/meta-data/events/maintenance/scheduled");
  t.match(JSON.parse(body), [
    {
      Code: "instance-retirement",
      EventId: id,
      State: "active",
      NotBefore: "7 Jan 2026 02:00:00 GMT",
      NotAfter: "7 Jan 2026 04:00:00 GMT",
    },
  ]);
  imds.setAsgState("Terminated");
  t.same(await get("/latest/meta-data/autoscaling/target-lifecycle-state"), [200, "Terminated"]);
  imds.announceRebalance();
  t.same(await get("/latest/meta-data/events/recommendations/rebalance"), [
    200,
    '{"noticeTime":"2026-01-07T01:00:00Z"}',
  ]);
});

t.test("interfaces: listing, both network card names, stale entries", async (t) => {
  const { imds, get } = await setup(t);
  t.same(await get("/latest/meta-data/network/interfaces/macs/"), [
    200,
    "0e:49:61:0f:c3:11/\n0e:49:61:0f:c3:22/",
  ]);
  const mac = "/latest/meta-data/network/interfaces/macs/0e:49:61:0f:c3:22";
  imds.data.networkCardPath = "both";
  imds.data.interfaces.get("0e:49:61:0f:c3:22")!.networkCard = 1;
  t.same(await get(`${mac}/network-card`), [200, "1"]);
  t.same(await get(`${mac}/network-card-index`), [200, "1"]);
  imds.removeInterface("0e:49:61:0f:c3:22", { stale: true });
  t.match((await get("/latest/meta-data/network/interfaces/macs/"))[1], /c3:22/);
  t.same((await get(`${mac}/interface-id`))[0], 404);
});

t.test("tokens expire with the fake's clock; proxied token requests are refused", async (t) => {
  const { imds, get, advance } = await setup(t);
  t.equal((await get("/latest/meta-data/mac"))[0], 200);
  advance(300_000);
  t.equal((await get("/latest/meta-data/mac"))[0], 401, "expired at its TTL");
  const res = await fetch(`${imds.url}/latest/api/token`, {
    method: "PUT",
    headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60", "x-forwarded-for": "10.0.0.1" },
  });
  t.equal(res.status, 403);
});

t.test("stop is idempotent and aborting the start signal stops the server", async (t) => {
  const imds = new FakeImds();
  const controller = new AbortController();
  await imds.start(controller.signal);
  const url = imds.url;
  controller.abort();
  await imds.stop();
  await imds.stop();
  await t.rejects(fetch(`${url}/latest/meta-data/mac`));
  t.throws(() => imds.url, { code: "FAILED_PRECONDITION" });
});
