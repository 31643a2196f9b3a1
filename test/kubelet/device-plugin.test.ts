/**
 * The DevicePlugin service alone against the fake kubelet: what it streams
 * is what it is given, a stop leaves no socket, watcher or connection, and
 * its waits (the backoff of a refused registration, the pause before a lost
 * socket is made again) are the ones configured, on a clock of the test's.
 */
import { lstat, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import t, { type Test } from "tap";
import type { PciAddress } from "../../src/common/index.js";
import { DevicePlugin, type PoolDevice, parseResourceName } from "../../src/kubelet/index.js";
import { eventually } from "../agent/harness.js";
import { FakeKubelet } from "../support/fake-kubelet.js";

const RESOURCE = parseResourceName("example.com/nic");
const silent = { info: () => {}, warn: () => {}, debug: () => {} };
const device = (id: string): PoolDevice => ({
  id: id as PciAddress,
  health: "Healthy",
  numaNode: null,
  driver: "vfio-pci",
  devNode: "/dev/vfio/3",
});

/** Open handles by kind, counted (a set of names would hide a second socket). */
function handles(): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) {
    // Timers and fs requests in flight come and go; sockets and watchers stay.
    if (r === "Timeout" || r === "TTYWrap" || r.startsWith("FSReq")) continue;
    out.set(r, (out.get(r) ?? 0) + 1);
  }
  return out;
}

t.test("streams what it is given, and stops without leaving anything", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "eni-dp-unit-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const kubelet = new FakeKubelet({
    directory: join(dir, "dp"),
    podResourcesSocket: join(dir, "pr.sock"),
  });
  await kubelet.start();
  const before = handles();
  const plugin = new DevicePlugin(
    { log: silent },
    { directory: join(dir, "dp"), podResourcesSocket: join(dir, "pr.sock"), resources: [RESOURCE] },
  );
  await plugin.start(new AbortController().signal);
  await eventually(() => kubelet.latest(RESOURCE) !== undefined);
  t.same(kubelet.latest(RESOURCE), [], "an empty pool at first");
  plugin.update(new Map([[RESOURCE, [device("0000:00:06.0")]]]));
  await eventually(() => kubelet.summary(RESOURCE).length === 1);
  t.same(kubelet.latest(RESOURCE)?.[0]?.topology, null, "no NUMA node, no topology");
  t.ok(plugin.offers("0000:00:06.0"));
  t.same(await plugin.holders("0000:00:06.0"), []);
  const socket = plugin.pool(RESOURCE)!.path;

  await plugin.stop();
  await eventually(() => !kubelet.connected(RESOURCE));
  await t.rejects(lstat(socket), { code: "ENOENT" }, "its socket is removed");
  // Closed handles leave the list on a later tick: wait for it, then compare.
  await eventually(() => isDeepStrictEqual(handles(), before)).catch(() => undefined);
  t.same(handles(), before, "no sockets, watchers or servers left");
  await kubelet.close();
});

t.test("a pool's socket path must fit the kernel's limit", async (t) => {
  t.throws(
    () =>
      new DevicePlugin(
        { log: silent },
        { directory: `/${"d".repeat(100)}`, podResourcesSocket: "/p.sock", resources: [RESOURCE] },
      ),
    { code: "INVALID_ARGUMENT" },
  );
});

/** A sleep that waits for the test: each call is recorded and ends when the test says so. */
function heldSleep() {
  const waits: { ms: number; end: () => void }[] = [];
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      waits.push({ ms, end: resolve });
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  return { waits, sleep };
}

async function started(t: Test, options: { sleep: ReturnType<typeof heldSleep>["sleep"] }) {
  const dir = await mkdtemp(join(tmpdir(), "eni-dp-unit-"));
  const paths = { directory: join(dir, "dp"), podResourcesSocket: join(dir, "pr.sock") };
  const kubelet = new FakeKubelet(paths);
  const plugin = new DevicePlugin(
    { log: silent, sleep: options.sleep },
    { ...paths, resources: [RESOURCE], retryInitialMs: 1_000, retryMaxMs: 3_000, settleMs: 700 },
  );
  t.teardown(async () => {
    await plugin.stop();
    await kubelet.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { kubelet, plugin };
}

t.test("a refused registration is retried, the wait doubling up to its bound", async (t) => {
  const clock = heldSleep();
  const { kubelet, plugin } = await started(t, clock);
  kubelet.refuseRegistrations("device plugin manager is busy");
  await kubelet.start();
  await plugin.start(new AbortController().signal);
  for (let i = 1; i <= 3; i++) {
    await eventually(() => clock.waits.length === i);
    t.equal(kubelet.registrations.length, i, `no registration before wait ${i} ends`);
    if (i === 3) kubelet.refuseRegistrations(null);
    clock.waits[i - 1]!.end();
  }
  await eventually(() => kubelet.connected(RESOURCE));
  t.same(
    clock.waits.map((w) => w.ms),
    [1_000, 2_000, 3_000],
  );
  t.same(
    kubelet.registrations.map((r) => r.accepted),
    [false, false, false, true],
  );
});

t.test("a lost socket is made again only after the pause kubelet needs", async (t) => {
  const clock = heldSleep();
  const { kubelet, plugin } = await started(t, clock);
  await kubelet.start();
  await plugin.start(new AbortController().signal);
  await eventually(() => kubelet.connected(RESOURCE));
  const socket = plugin.pool(RESOURCE)!.path;
  await rm(socket);
  await eventually(() => clock.waits.length === 1);
  t.equal(clock.waits[0]!.ms, 700, "settleMs");
  // kubelet sees the old connection end during the pause, not after it.
  await eventually(() => !kubelet.connected(RESOURCE));
  await t.rejects(lstat(socket), { code: "ENOENT" }, "and nothing listens during the pause");
  t.equal(kubelet.registrations.length, 1);
  clock.waits[0]!.end();
  await eventually(() => kubelet.registrations.length === 2 && kubelet.connected(RESOURCE));
  t.ok((await lstat(socket)).isSocket(), "the socket is back");
  t.equal(clock.waits.length, 1, "one pause, no retry");
});
