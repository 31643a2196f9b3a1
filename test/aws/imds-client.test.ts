import t from "tap";
import { IMDS_IPV6_ENDPOINT, ImdsClient } from "../../src/aws/imds-client.js";
import { startImds as setup } from "./helpers.js";

t.test("a token is cached across requests", async (t) => {
  const { imds, client } = await setup(t);
  t.same(await client.get("/latest/meta-data/instance-id"), {
    kind: "found",
    body: "i-1234567890abcdef0",
  });
  await client.get("/latest/meta-data/mac");
  await Promise.all([client.get("/latest/meta-data/mac"), client.get("/latest/meta-data/mac")]);
  t.equal(imds.stats.tokenRequests, 1);
  t.equal(imds.stats.unauthorized, 0);
});

t.test("concurrent first requests share one token request", async (t) => {
  const { imds, client } = await setup(t);
  await Promise.all([1, 2, 3, 4].map(() => client.get("/latest/meta-data/mac")));
  t.equal(imds.stats.tokenRequests, 1);
});

t.test("the token is refreshed before it expires, without a 401", async (t) => {
  const { imds, client, advance } = await setup(t, {
    tokenTtlSeconds: 10,
    tokenRefreshMarginSeconds: 2,
  });
  await client.get("/latest/meta-data/mac");
  advance(7_000);
  await client.get("/latest/meta-data/mac");
  t.equal(imds.stats.tokenRequests, 1, "still fresh at 7 s of 10");
  advance(1_500);
  await client.get("/latest/meta-data/mac");
  t.equal(imds.stats.tokenRequests, 2, "refreshed inside the 2 s margin");
  advance(20_000);
  t.same(await client.get("/latest/meta-data/mac"), { kind: "found", body: "0e:49:61:0f:c3:11" });
  t.equal(imds.stats.tokenRequests, 3);
  t.equal(imds.stats.unauthorized, 0);
});

t.test("a 401 triggers exactly one token refresh", async (t) => {
  const { imds, client } = await setup(t);
  await client.get("/latest/meta-data/mac");
  imds.revokeTokens();
  t.same(await client.get("/latest/meta-data/mac"), { kind: "found", body: "0e:49:61:0f:c3:11" });
  t.equal(imds.stats.unauthorized, 1);
  t.equal(imds.stats.tokenRequests, 2);
});

t.test("a second 401 after a fresh token is PERMISSION_DENIED, not a loop", async (t) => {
  const { imds, client } = await setup(t);
  await client.get("/latest/meta-data/mac");
  imds.failNext(50, 401, "/latest/meta-data/");
  await t.rejects(client.get("/latest/meta-data/mac"), { code: "PERMISSION_DENIED" });
  t.equal(imds.stats.tokenRequests, 2, "one refresh only");
  t.equal(imds.stats.faultsServed, 2);
});

t.test("404 is a value", async (t) => {
  const { client } = await setup(t);
  t.same(await client.get("/latest/meta-data/spot/instance-action"), { kind: "not-found" });
  t.same(await client.get("/latest/meta-data/no/such/path"), { kind: "not-found" });
});

t.test("5xx and 429 are retried inside the budget", async (t) => {
  const { imds, client } = await setup(t);
  imds.failNext(2, 503, "/latest/meta-data/");
  imds.failNext(1, 429, "/latest/meta-data/");
  t.same(await client.get("/latest/meta-data/instance-id"), {
    kind: "found",
    body: "i-1234567890abcdef0",
  });
  t.equal(imds.stats.faultsServed, 3);
});

t.test("a failing IMDS exhausts the budget and reports UNAVAILABLE", async (t) => {
  const { imds, client } = await setup(t, { budgetMs: 150 });
  imds.failNext(10_000, 500);
  await t.rejects(client.get("/latest/meta-data/instance-id"), { code: "UNAVAILABLE" });
  t.ok(imds.stats.faultsServed >= 2, "retried at least once");
  t.ok(imds.stats.faultsServed < 100, "bounded by the budget");
});

t.test("a hung IMDS hits the per-request timeout", async (t) => {
  const { imds, client } = await setup(t, { requestTimeoutMs: 40, budgetMs: 100 });
  imds.latencyMs = 5_000;
  await t.rejects(client.get("/latest/meta-data/instance-id"), { code: "DEADLINE_EXCEEDED" });
});

t.test("an unreachable IMDS is UNAVAILABLE", async (t) => {
  const { imds, client } = await setup(t, { budgetMs: 100 });
  imds.down = true;
  await t.rejects(client.get("/latest/meta-data/instance-id"), { code: "UNAVAILABLE" });
});

t.test("no IMDSv1 fallback when tokens are not offered", async (t) => {
  const { imds, client } = await setup(t);
  imds.failNext(5, 405, "/latest/api/token");
  await t.rejects(client.get("/latest/meta-data/instance-id"), { code: "FAILED_PRECONDITION" });
  t.equal(imds.stats.gets, 0, "no GET was sent without a token");
});

t.test("the caller's signal aborts a call", async (t) => {
  const { imds, client } = await setup(t);
  imds.latencyMs = 5_000;
  const controller = new AbortController();
  const pending = client.get("/latest/meta-data/instance-id", { signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  await t.rejects(pending, { code: "ABORTED" });
});

t.test("bad paths and endpoints are refused", async (t) => {
  const { client } = await setup(t);
  await t.rejects(client.get("/etc/passwd"), { code: "INVALID_ARGUMENT" });
  await t.rejects(client.get("/latest/meta-data/../x"), { code: "INVALID_ARGUMENT" });
  t.throws(() => new ImdsClient({}, { endpoint: "http://169.254.169.254/latest" }), {
    code: "INVALID_ARGUMENT",
  });
  t.throws(() => new ImdsClient({}, { tokenTtlSeconds: 21_601 }), { code: "INVALID_ARGUMENT" });
  t.equal(new ImdsClient({}, { endpoint: IMDS_IPV6_ENDPOINT }).endpoint, "http://[fd00:ec2::254]");
});

t.test("the fake IMDS enforces the token rules", async (t) => {
  const { imds } = await setup(t);
  const put = (ttl: string): Promise<Response> =>
    fetch(`${imds.url}/latest/api/token`, {
      method: "PUT",
      headers: { "x-aws-ec2-metadata-token-ttl-seconds": ttl },
    });
  t.equal((await put("0")).status, 400);
  t.equal((await put("21601")).status, 400);
  t.equal((await put("abc")).status, 400);
  const ok = await put("60");
  t.equal(ok.status, 200);
  const token = await ok.text();
  t.equal((await fetch(`${imds.url}/latest/meta-data/mac`)).status, 401, "no token: 401");
  const withToken = await fetch(`${imds.url}/latest/meta-data/mac`, {
    headers: { "x-aws-ec2-metadata-token": token },
  });
  t.equal(await withToken.text(), "0e:49:61:0f:c3:11");
});
