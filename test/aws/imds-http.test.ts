import { getEventListeners } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import t, { type Test } from "tap";
import { ImdsHttp } from "../../src/aws/imds-http.js";

/** A local server counting connections; `hang` paths never answer. */
async function server(t: Test) {
  const stats = { connections: 0, requests: [] as string[] };
  const srv: Server = createServer((req, res) => {
    stats.requests.push(`${req.method} ${req.url} ${req.headers["content-length"] ?? "-"}`);
    if (req.url === "/hang") return;
    res.writeHead(req.url === "/missing" ? 404 : 200).end(`answer to ${req.url}`);
  });
  srv.on("connection", () => {
    stats.connections += 1;
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        srv.close(() => resolve());
        srv.closeAllConnections();
      }),
  );
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stats };
}

t.test("requests one after another share one kept connection until close()", async (t) => {
  const { url, stats } = await server(t);
  const http = new ImdsHttp(url);
  t.teardown(() => http.close());
  const get = (path: string) => http.send({ method: "GET", path, headers: {}, timeoutMs: 2_000 });
  t.same(await get("/a"), { status: 200, body: "answer to /a" });
  t.same(await get("/missing"), { status: 404, body: "answer to /missing" });
  t.same(await get("/b"), { status: 200, body: "answer to /b" });
  t.equal(stats.connections, 1, "one connection for three requests");
  http.close();
  await get("/c");
  t.equal(stats.connections, 2, "close() dropped it; the next request opened another");
  await http.send({ method: "PUT", path: "/token", headers: {}, timeoutMs: 2_000 });
  t.match(stats.requests.at(-1), "PUT /token 0", "a PUT says it has no body");
});

t.test("a request that gets no answer fails as a timeout; an abort as aborted", async (t) => {
  const { url } = await server(t);
  const http = new ImdsHttp(url);
  t.teardown(() => http.close());
  await t.rejects(http.send({ method: "GET", path: "/hang", headers: {}, timeoutMs: 50 }), {
    code: "DEADLINE_EXCEEDED",
  });
  const abort = new AbortController();
  const pending = http.send({
    method: "GET",
    path: "/hang",
    headers: {},
    timeoutMs: 10_000,
    signal: abort.signal,
  });
  abort.abort();
  await t.rejects(pending, { code: "ABORTED" });
  await t.rejects(
    http.send({ method: "GET", path: "/a", headers: {}, timeoutMs: 1_000, signal: abort.signal }),
    { code: "ABORTED" },
    "an already aborted signal sends nothing",
  );
});

t.test("a closed port is unreachable", async (t) => {
  const { url } = await server(t);
  const port = Number(new URL(url).port);
  const http = new ImdsHttp(`http://127.0.0.1:${port === 65_535 ? 1 : port + 1}`);
  t.teardown(() => http.close());
  await t.rejects(http.send({ method: "GET", path: "/a", headers: {}, timeoutMs: 2_000 }), {
    code: "UNAVAILABLE",
  });
});

t.test("exchanges sharing a signal hold one listener on it, and none once done", async (t) => {
  const { url } = await server(t);
  const http = new ImdsHttp(url);
  t.teardown(() => http.close());
  const abort = new AbortController();
  const { signal } = abort;
  const send = (path: string) =>
    http.send({ method: "GET", path, headers: {}, timeoutMs: 5_000, signal });
  const many = Array.from({ length: 12 }, (_, i) => send(`/a${i}`));
  t.equal(getEventListeners(signal, "abort").length, 1, "one listener for twelve exchanges");
  t.equal((await Promise.all(many)).length, 12);
  t.equal(getEventListeners(signal, "abort").length, 0, "removed when the last one ended");
  const hanging = [send("/hang"), send("/hang"), send("/hang")];
  abort.abort();
  for (const h of hanging) await t.rejects(h, { code: "ABORTED" });
});
