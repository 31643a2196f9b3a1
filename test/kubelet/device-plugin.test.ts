/**
 * The DevicePlugin service alone against the fake kubelet: what it streams
 * is what it is given, and a stop leaves no socket, watcher or connection.
 */
import { lstat, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import t from "tap";
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
