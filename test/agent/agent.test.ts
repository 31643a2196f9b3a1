import { DescribeNetworkInterfacesCommand } from "@aws-sdk/client-ec2";
import t from "tap";
import { connectAgent } from "../../src/client/client.js";
import { agentHarness, eventually, tempDir } from "./harness.js";

/** Active handles and requests by type, e.g. { Timeout: 2, TCPServerWrap: 1 }. */
function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) out[name] = (out[name] ?? 0) + 1;
  return out;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

t.test("the whole agent starts and stops on the simulator without leaking a handle", async (t) => {
  await settle();
  const before = resources();
  const h = await agentHarness(t, {
    start: false,
    config: { metrics: { address: "127.0.0.1:0" } },
  });
  await h.agent.start();
  const running = resources();
  const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  t.ok(total(running) > total(before), "listeners, timers and servers are active while running");
  t.ok(h.agent.metrics.listening()?.startsWith("127.0.0.1:"), "metrics listen");
  const client = connectAgent({ socketPath: h.socket });
  t.equal((await client.listDevices()).length, 4);
  // Exercise what owns handles: a transaction, an open event stream, an EC2 call.
  const watching = new AbortController();
  const stream = (async () => {
    for await (const _ of client.watchEvents({}, { signal: watching.signal })) void _;
  })();
  const op = await client.bindDevice({
    selector: { pciAddress: "0000:00:06.0" },
    driver: "vfio-pci",
  });
  t.equal(op.status, "OPERATION_STATUS_SUCCEEDED");
  const ec2 = await (await h.agent.ec2.get()).send(new DescribeNetworkInterfacesCommand({}));
  t.equal(ec2.NetworkInterfaces?.length, 4);
  watching.abort();
  await stream;
  const metrics = await fetch(`http://${h.agent.metrics.listening()}/metrics`).then((r) =>
    r.text(),
  );
  t.match(metrics, /eni_agent_degraded_devices 0/);
  client.close();
  await h.agent.stop();
  await h.agent.stop();
  await settle();
  t.same(resources(), before, "no handle or request outlived stop()");
  t.same(h.fatal, []);
});

t.test("recovery runs before the listeners; stop runs the hooks in reverse", async (t) => {
  const h = await agentHarness(t);
  await h.agent.stop();
  const events = h.logs
    .filter((l) => l.msg === "started" || l.msg === "stopped")
    .map((l) => `${l.msg} ${l.hook}`);
  const started = events.filter((e) => e.startsWith("started")).map((e) => e.slice(8));
  t.same(started, [
    "state-dir",
    "adapters",
    "metrics",
    "ec2-client",
    "autoscaling-client",
    "imds-identity",
    "journal-recovery",
    "desired-bindings",
    "eni-intents",
    "release-plans",
    "reconciler",
    "confirmation-watch",
    "device-watcher",
    "termination-watcher",
    "leak-sweeper",
    "config-watcher",
    // Always a hook; it starts nothing while devicePlugin.enabled is false.
    "device-plugin",
    "grpc-server",
  ]);
  const stopped = events.filter((e) => e.startsWith("stopped ")).map((e) => e.slice(8));
  t.same(stopped, [...started].reverse());
});

t.test("a second agent on the same state directory is refused while the first runs", async (t) => {
  const dir = await tempDir(t);
  const first = await agentHarness(t, { dir });
  await t.rejects(
    agentHarness(t, { dir, config: { listeners: { socket: { path: `${dir}/other.sock` } } } }),
    { code: "ABORTED", message: /state-dir: state directory .* is in use/ },
  );
  await first.agent.stop();
});

t.test(
  "listeners.socket.maxWatchStreams caps the main socket's open WatchEvents streams",
  async (t) => {
    const dir = await tempDir(t);
    const listeners = { socket: { path: `${dir}/agent.sock`, maxWatchStreams: 1 } };
    const h = await agentHarness(t, { dir, config: { listeners } });
    const client = connectAgent({ socketPath: h.socket });
    t.teardown(() => client.close());
    const first = new AbortController();
    const open = (async () => {
      for await (const _ of client.watchEvents({}, { signal: first.signal })) void _;
    })().catch(() => undefined);
    await eventually(() => h.agent.server.openWatchStreams() === 1);
    const second = (async () => {
      for await (const _ of client.watchEvents({})) void _;
    })();
    await t.rejects(second, { code: "UNAVAILABLE", message: /limit 1/ });
    first.abort();
    await open;
  },
);
