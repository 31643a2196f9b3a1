import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import t from "tap";
import { connectAgent } from "../../src/client/client.js";
import { AgentServer } from "../../src/server/agent-server.js";
import { FakeCore } from "./fake-core.js";
import { rejection, startHarness, tempDir, until } from "./harness.js";

const signal = () => new AbortController().signal;

function listen(path: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.listen(path, () => resolve(server));
  });
}

t.test("the main socket is 0660 in a 0750 directory, with the configured group", async (t) => {
  const gid = process.getgid?.() ?? 0;
  const h = await startHarness(t, (dir) => ({ socket: { path: join(dir, "run", "a.sock"), gid } }));
  const st = statSync(h.server.addresses().socket);
  t.ok(st.isSocket());
  t.equal(st.mode & 0o777, 0o660);
  t.equal(st.gid, gid);
  t.equal(statSync(join(h.dir, "run")).mode & 0o777, 0o750);
  t.equal((await h.client.listDevices()).length, 3);
});

t.test("a stale socket from a crash is replaced", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "a.sock");
  // A process killed while listening leaves its socket file behind.
  const child = spawnSync(process.execPath, [
    "-e",
    `require("node:net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`,
  ]);
  t.equal(child.signal, "SIGKILL");
  t.ok(statSync(path).isSocket(), "a dead socket file is in place");
  const server = new AgentServer({ core: new FakeCore() }, { socket: { path } });
  await server.start(signal());
  t.teardown(() => server.stop());
  const client = connectAgent({ socketPath: path });
  t.teardown(() => client.close());
  t.equal((await client.listDevices()).length, 3, "the new server answers on the path");
});

t.test("a live listener on the path is never stolen", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "a.sock");
  const live = await listen(path);
  t.teardown(() => new Promise<void>((r) => live.close(() => r())));
  const server = new AgentServer({ core: new FakeCore() }, { socket: { path } });
  await t.rejects(server.start(signal()), {
    code: "FAILED_PRECONDITION",
    message: /another process is serving .*a\.sock \(is eni-agent already running\?\)/,
  });
  t.ok(statSync(path).isSocket(), "the other daemon's socket is still there");
  await server.stop();

  const second = new AgentServer({ core: new FakeCore() }, { socket: { path } });
  live.close();
  await until(() => !statSync(path, { throwIfNoEntry: false }), "socket removal");
  await second.start(signal());
  t.teardown(() => second.stop());
  const third = new AgentServer({ core: new FakeCore() }, { socket: { path } });
  await t.rejects(third.start(signal()), { code: "FAILED_PRECONDITION" }, "two agents never share");
});

t.test("other files and unsafe directories are refused, not removed", async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "not-a-socket");
  writeFileSync(file, "keep me");
  await t.rejects(
    new AgentServer({ core: new FakeCore() }, { socket: { path: file } }).start(signal()),
    {
      code: "FAILED_PRECONDITION",
      message: /exists and is not a socket/,
    },
  );
  t.equal(statSync(file).size, 7, "the file is untouched");

  const open = join(dir, "open");
  mkdirSync(open);
  chmodSync(open, 0o777);
  await t.rejects(
    new AgentServer({ core: new FakeCore() }, { socket: { path: join(open, "a.sock") } }).start(
      signal(),
    ),
    { code: "FAILED_PRECONDITION", message: /writable by group or others/ },
  );
  t.throws(() => new AgentServer({ core: new FakeCore() }, { socket: { path: "relative.sock" } }), {
    code: "INVALID_ARGUMENT",
  });
  t.throws(
    () => new AgentServer({ core: new FakeCore() }, { socket: { path: `/${"x".repeat(120)}` } }),
    { code: "INVALID_ARGUMENT", message: /longer than 107 bytes/ },
  );
});

t.test("stop drains in-flight calls, is idempotent and removes the socket", async (t) => {
  const h = await startHarness(t);
  h.core.deferred.add("getHostReport");
  const inFlight = h.client.getHostReport();
  await until(() => h.core.calls("getHostReport").length === 1, "the call to reach the core");
  const stopped = h.server.stop();
  t.equal(h.server.stop(), stopped, "a second stop joins the first");
  h.core.releaseDeferred();
  const report = await inFlight;
  t.equal(report.kernelVersion, "6.1.0-test", "the in-flight call finished normally");
  await stopped;
  t.notOk(statSync(h.socketPath, { throwIfNoEntry: false }), "the socket file is gone");
  await rejection(t, h.client.listDevices({ deadlineMs: 1_000 }), "UNAVAILABLE");
});

t.test("stop forces calls that outlive the bound and aborts their signal", async (t) => {
  const h = await startHarness(t, () => ({ stopTimeoutMs: 50 }));
  h.core.blockUntilAborted.add("bindDevice");
  const stuck = h.client
    .bindDevice({ selector: { pciAddress: "00:06.0" }, driver: "vfio-pci" })
    .then(
      () => null,
      (err: unknown) => err,
    );
  await until(() => h.core.calls("bindDevice").length === 1, "the call to reach the core");
  await h.server.stop();
  const signal = h.core.calls("bindDevice")[0]!.ctx.signal;
  t.ok(signal.aborted, "the core saw the abort");
  t.match(signal.reason, { code: "ABORTED", message: /server is stopping/ });
  t.match(await stuck, { name: "AgentError" }, "the client gets an error, it does not hang");
});

t.test("deadlines and cancellation reach the core as an aborted signal", async (t) => {
  const h = await startHarness(t);
  h.core.blockUntilAborted.add("bindDevice");
  await rejection(
    t,
    h.client.bindDevice(
      { selector: { pciAddress: "00:06.0" }, driver: "vfio-pci" },
      { deadlineMs: 100 },
    ),
    "DEADLINE_EXCEEDED",
  );
  await until(() => h.core.calls("bindDevice")[0]?.ctx.signal.aborted === true, "the abort");
  t.match(h.core.calls("bindDevice")[0]?.ctx.signal.reason, { code: "DEADLINE_EXCEEDED" });

  const controller = new AbortController();
  const cancelled = h.client.bindDevice(
    { selector: { pciAddress: "00:06.0" }, driver: "vfio-pci" },
    { signal: controller.signal },
  );
  await until(() => h.core.calls("bindDevice").length === 2, "the second call");
  controller.abort();
  await rejection(t, cancelled, "ABORTED");
  await until(() => h.core.calls("bindDevice")[1]?.ctx.signal.aborted === true, "the abort");
  t.match(h.core.calls("bindDevice")[1]?.ctx.signal.reason, {
    code: "ABORTED",
    message: /client cancelled/,
  });
});

t.test("start refuses a second start and honours an aborted signal", async (t) => {
  const h = await startHarness(t);
  await t.rejects(h.server.start(signal()), { code: "FAILED_PRECONDITION" });
  const dir = tempDir(t);
  const path = join(dir, "a.sock");
  const server = new AgentServer({ core: new FakeCore() }, { socket: { path } });
  const controller = new AbortController();
  controller.abort(new Error("shutting down"));
  await t.rejects(server.start(controller.signal), { message: "shutting down" });
  t.notOk(statSync(path, { throwIfNoEntry: false }), "nothing left listening");
});

t.test("a client without a daemon gets an actionable UNAVAILABLE", async (t) => {
  const dir = tempDir(t);
  const client = connectAgent({ socketPath: join(dir, "none.sock") });
  t.teardown(() => client.close());
  const error = await rejection(t, client.listDevices({ deadlineMs: 1_000 }), "UNAVAILABLE");
  t.match(error.message, /none\.sock/);
  t.match(error.remedy, /check that eni-agent is running/);
});

t.test("nothing leaks after stop", async (t) => {
  const before = new Set(process.getActiveResourcesInfo());
  const dir = tempDir(t);
  const server = new AgentServer(
    { core: new FakeCore() },
    { socket: { path: join(dir, "a.sock") } },
  );
  await server.start(signal());
  const client = connectAgent({ socketPath: join(dir, "a.sock") });
  await client.listDevices();
  const controller = new AbortController();
  let subscribed = false;
  const watching = (async () => {
    const events = client.watchEvents(
      {},
      {
        signal: controller.signal,
        onSubscribed: () => {
          subscribed = true;
        },
      },
    );
    for await (const _ of events);
  })();
  await until(() => subscribed, "the watch");
  controller.abort();
  await watching;
  client.close();
  await server.stop();
  const leaked = () =>
    process
      .getActiveResourcesInfo()
      .filter((r) => !before.has(r) && r !== "Timeout" && r !== "TTYWrap");
  // Closed handles leave the list on a later turn of the event loop, later
  // still on a loaded machine: wait (bounded) for the list to empty, then
  // show whatever stayed.
  await until(() => leaked().length === 0, "closed handles to go", 1_000).catch(() => undefined);
  t.same(leaked(), [], "no sockets, pipes or servers left");
});
