/**
 * watch against a real gRPC server: events streamed as lines or JSON lines,
 * filters, and the reconnect after the daemon restarts on the same socket.
 */
import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { AgentServer } from "../../src/server/agent-server.js";
import { device, operation } from "../server/fake-core.js";
import { until } from "../server/harness.js";
import { cli, DaemonLikeCore, startDaemon } from "./daemon-support.js";

/** Runs watch in the background; resolves its result when it exits. */
function background(run: Promise<{ code: number; stdout: string; stderr: string }>) {
  let done = false;
  const result = run.finally(() => {
    done = true;
  });
  return { result, done: () => done };
}

t.test("events are printed one line each until --count", async (t) => {
  const d = await startDaemon(t);
  const w = background(d.run(["watch", "--count", "3"]));
  await until(() => d.core.listenerCount === 1, "the subscription");
  d.core.emit({
    kind: "driver_changed",
    pciAddress: "0000:00:06.0" as PciAddress,
    fromDriver: "ena" as DriverName,
    toDriver: "vfio-pci" as DriverName,
    operationId: "op-1",
  });
  d.core.emit({ kind: "operation_result", operation: operation("op-1") });
  d.core.emit({ kind: "device_added", device: device(9) });
  const out = await w.result;
  t.equal(out.code, 0, out.stderr);
  t.match(out.stderr, /^watching events at .* \(Ctrl-C to stop\)\n$/);
  const lines = out.stdout.trimEnd().split("\n");
  t.equal(lines.length, 3);
  t.match(
    lines[0],
    /^2026-01-07T01:03:47\.250Z {2}#1 {2}driver_changed\s+0000:00:06\.0 ena -> vfio-pci \(op-1\)$/,
  );
  t.match(lines[1], /#2 {2}operation_result\s+op-1 bind 0000:00:06\.0 ena -> vfio-pci succeeded$/);
  t.match(lines[2], /#3 {2}device_added\s+0000:00:09\.0 on ena \(kernel, eni-0f95d3625f5c52109\)$/);
  // The cancel travels to the server: the subscription ends there too.
  await until(() => d.core.listenerCount === 0, "the server-side unsubscribe");
});

t.test("--json prints JSON lines; --device and --kind reach the daemon's filter", async (t) => {
  const d = await startDaemon(t);
  const w = background(
    d.run([
      "watch",
      "--json",
      "--device",
      "ens6",
      "--kind",
      "operation_progress,health_changed",
      "--count",
      "2",
    ]),
  );
  await until(() => d.core.listenerCount === 1, "the subscription");
  // Filtered out by the server: another device, and a kind not asked for.
  d.core.emit({
    kind: "operation_progress",
    operation: operation("op-2", { pciAddress: "0000:00:07.0" as PciAddress, status: "running" }),
  });
  d.core.emit({ kind: "device_added", device: device(6) });
  d.core.emit({ kind: "operation_progress", operation: operation("op-1", { status: "running" }) });
  d.core.setHealth({
    serving: false,
    components: [{ name: "journal", healthy: false, detail: "EIO" }],
  });
  const out = await w.result;
  t.equal(out.code, 0, out.stderr);
  const events = out.stdout
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
  t.match(events, [
    { sequence: 3, kind: "operation_progress", operation: { id: "op-1", status: "running" } },
    {
      sequence: 4,
      kind: "health_changed",
      health: { serving: false, components: [{ name: "journal", healthy: false, detail: "EIO" }] },
    },
  ]);
  t.same(Object.keys(events[0]), ["version", "sequence", "time", "kind", "operation"]);
});

t.test("Ctrl-C ends watch with exit 0", async (t) => {
  const d = await startDaemon(t);
  const interrupt = new AbortController();
  const w = background(d.run(["watch"], { signal: interrupt.signal }));
  await until(() => d.core.listenerCount === 1, "the subscription");
  interrupt.abort("SIGINT");
  const out = await w.result;
  t.equal(out.code, 0);
  t.equal(out.stdout, "");
});

t.test("a daemon restart: watch says so, reconnects and goes on", async (t) => {
  const d = await startDaemon(t);
  const interrupt = new AbortController();
  t.teardown(() => interrupt.abort());
  const w = background(d.run(["watch", "--count", "2"], { signal: interrupt.signal }));
  await until(() => d.core.listenerCount === 1, "the first subscription");
  d.core.emit({ kind: "device_added", device: device(9) });
  await d.server.stop();

  // The daemon comes back on the same socket, with a new core.
  const core = new DaemonLikeCore();
  const again = new AgentServer({ core }, { socket: { path: d.socketPath }, stopTimeoutMs: 2_000 });
  await again.start(new AbortController().signal);
  t.teardown(() => again.stop());
  await until(() => core.listenerCount === 1, "the second subscription");
  core.emit({
    kind: "device_removed",
    pciAddress: "0000:00:09.0" as PciAddress,
    identity: device(9).identity,
  });
  const out = await w.result;
  t.equal(out.code, 0, out.stderr);
  t.match(out.stderr, /note: lost the event stream \(.*\); reconnecting\n/);
  t.match(out.stderr, /note: reconnected to .*; events in between were missed\n/);
  t.match(
    out.stdout,
    /device_added .*\n.*device_removed\s+0000:00:09\.0 \(eni-0f95d3625f5c52109\)\n$/,
  );
});

t.test("bad filters are usage errors, before connecting", async (t) => {
  for (const argv of [
    ["watch", "--kind", "everything"],
    ["watch", "--count", "0"],
    ["watch", "extra"],
  ]) {
    const out = await cli(argv);
    t.equal(out.code, 2, argv.join(" "));
  }
  t.match(
    (await cli(["watch", "--kind", "nope"])).stderr,
    /unknown event kind "nope"\n.*use one or more of device_added/,
  );
});
