import { join } from "node:path";
import t from "tap";
import type { AgentClient } from "../../src/client/client.js";
import type { DriverName, EniId, PciAddress } from "../../src/common/index.js";
import type { Event__Output } from "../../src/server/generated/eniagent/v1/Event.js";
import type { WatchEventsRequest } from "../../src/server/generated/eniagent/v1/WatchEventsRequest.js";
import { device, operation } from "./fake-core.js";
import { type Harness, startHarness, until } from "./harness.js";

interface Watch {
  events: Event__Output[];
  /** Settles when the stream ends: null on a clean end, else the error. */
  ended: Promise<unknown>;
  stop(): void;
}

async function watch(client: AgentClient, request: WatchEventsRequest = {}): Promise<Watch> {
  const controller = new AbortController();
  const events: Event__Output[] = [];
  let subscribed = false;
  let finished = false;
  const ended = (async () => {
    const stream = client.watchEvents(request, {
      signal: controller.signal,
      onSubscribed: () => {
        subscribed = true;
      },
    });
    for await (const event of stream) events.push(event);
    return null;
  })()
    .catch((err: unknown) => err)
    .finally(() => {
      finished = true;
    });
  // A refused watch ends without subscribing; the poll stops then too (left
  // running, it kept the process alive for seconds after the last test).
  await until(() => subscribed || finished, "the subscription or the end of the stream");
  return { events, ended, stop: () => controller.abort() } satisfies Watch;
}

const dev6 = "0000:00:06.0" as PciAddress;
const dev7 = "0000:00:07.0" as PciAddress;

function emitOneOfEach(h: Harness): void {
  h.core.emit({ kind: "device_added", device: device(6) });
  h.core.emit({ kind: "device_removed", pciAddress: dev7, identity: device(7).identity });
  h.core.emit({
    kind: "driver_changed",
    pciAddress: dev6,
    fromDriver: "ena" as DriverName,
    toDriver: "vfio-pci" as DriverName,
    operationId: "op-1",
  });
  h.core.emit({ kind: "operation_progress", operation: operation("op-1", { status: "running" }) });
  h.core.emit({ kind: "operation_result", operation: operation("op-1") });
  h.core.emit({
    kind: "drift_found",
    pciAddress: dev7,
    expectedDriver: "vfio-pci" as DriverName,
    actualDriver: null,
    detail: "re-applying",
  });
  h.core.emit({
    kind: "termination_notice",
    notice: {
      source: "spot_interruption",
      action: "terminate",
      deadline: new Date("2026-01-07T01:05:47Z"),
      noticeId: "spot-1",
    },
  });
  h.core.emit({ kind: "termination_planned", plan: { notice: null, deadline: null, steps: [] } });
  h.core.emit({
    kind: "eni_released",
    eniId: "eni-0f95d3625f5c52107" as EniId,
    pciAddress: dev7,
    action: "deleted",
  });
  h.core.setHealth({ serving: false, components: [] });
}

t.test("every event kind is delivered in order with its payload", async (t) => {
  const h = await startHarness(t);
  const w = await watch(h.client);
  emitOneOfEach(h);
  await until(() => w.events.length === 10, "ten events");
  t.same(
    w.events.map((e) => e.payload),
    [
      "deviceAdded",
      "deviceRemoved",
      "driverChanged",
      "operationProgress",
      "operationResult",
      "driftFound",
      "terminationNotice",
      "terminationPlanned",
      "eniReleased",
      "healthChanged",
    ],
  );
  t.same(
    w.events.map((e) => e.sequence),
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
  );
  t.match(w.events[2]?.driverChanged, {
    pciAddress: dev6,
    fromDriver: "ena",
    toDriver: "vfio-pci",
    operationId: "op-1",
  });
  t.equal(w.events[3]?.operationProgress?.operation?.status, "OPERATION_STATUS_RUNNING");
  t.match(w.events[5]?.driftFound, { detail: "re-applying" });
  t.equal(w.events[5]?.driftFound?.actualDriver, undefined, 'no bound driver: unset, not ""');
  t.match(w.events[6]?.terminationNotice, {
    source: "TERMINATION_SOURCE_SPOT_INTERRUPTION",
    deadlineTime: { seconds: String(Date.parse("2026-01-07T01:05:47Z") / 1000) },
  });
  t.equal(w.events[8]?.eniReleased?.action, "RELEASE_ACTION_DELETED");
  t.equal(w.events[9]?.healthChanged?.health?.serving, false);
  w.stop();
  t.equal(await w.ended, null, "a cancelled watch ends quietly");
});

t.test(
  "filters by kind and by device; host-wide events always pass the device filter",
  async (t) => {
    const h = await startHarness(t);
    const byKind = await watch(h.client, {
      kinds: ["EVENT_KIND_DRIVER_CHANGED", "EVENT_KIND_ENI_RELEASED"],
    });
    const byDevice = await watch(h.client, { pciAddress: "00:07.0" });
    emitOneOfEach(h);
    await until(
      () => byKind.events.length === 2 && byDevice.events.length === 6,
      "filtered events",
    );
    h.core.emit({ kind: "device_added", device: device(8) });
    h.core.emit({
      kind: "eni_released",
      eniId: "eni-00000001" as EniId,
      pciAddress: null,
      action: "detached",
    });
    await until(
      () => byKind.events.length === 3 && byDevice.events.length === 7,
      "the last ENI release",
    );
    t.same(
      byKind.events.map((e) => e.payload),
      ["driverChanged", "eniReleased", "eniReleased"],
    );
    t.same(
      byDevice.events.map((e) => e.payload),
      [
        "deviceRemoved",
        "driftFound",
        "terminationNotice",
        "terminationPlanned",
        "eniReleased",
        "healthChanged",
        "eniReleased",
      ],
      "device 0000:00:07.0 events plus those that concern no device",
    );
    byKind.stop();
    byDevice.stop();
  },
);

t.test("cancelling a watch removes its subscription from the core", async (t) => {
  const h = await startHarness(t);
  const a = await watch(h.client);
  const b = await watch(h.client);
  t.equal(h.core.listenerCount, 2);
  a.stop();
  await a.ended;
  await until(() => h.core.listenerCount === 1, "one unsubscription");
  h.core.emit({ kind: "device_added", device: device(9) });
  await until(() => b.events.length === 1, "the remaining watcher's event");
  t.equal(a.events.length, 0, "the cancelled watcher got nothing");
  b.stop();
  await until(() => h.core.listenerCount === 0, "no subscription left");
});

t.test("the number of open watches is capped", async (t) => {
  const h = await startHarness(t, (dir) => ({
    socket: { path: join(dir, "run", "agent.sock"), limits: { maxWatchStreams: 2 } },
  }));
  const a = await watch(h.client);
  const b = await watch(h.client);
  const refused = await watch(h.client);
  t.match(await refused.ended, {
    code: "UNAVAILABLE",
    message: /too many open WatchEvents streams on the main socket \(limit 2\)/,
  });
  a.stop();
  await until(() => h.core.listenerCount === 1, "a slot to free up");
  const c = await watch(h.client);
  h.core.emit({ kind: "device_added", device: device(9) });
  await until(() => c.events.length === 1 && b.events.length === 1, "delivery to both");
  b.stop();
  c.stop();
});

t.test("invalid filters are refused before subscribing", async (t) => {
  const h = await startHarness(t);
  const badDevice = await watch(h.client, { pciAddress: "0000:00:06" });
  t.match(await badDevice.ended, { code: "INVALID_ARGUMENT", message: /pci_address/ });
  const badKind = await watch(h.client, { kinds: [42 as unknown as "EVENT_KIND_DEVICE_ADDED"] });
  t.match(await badKind.ended, { code: "INVALID_ARGUMENT", message: /unknown event kind/ });
  const unspecified = await watch(h.client, { kinds: ["EVENT_KIND_UNSPECIFIED"] });
  t.match(await unspecified.ended, { code: "INVALID_ARGUMENT" });
  t.equal(h.core.listenerCount, 0);
});

t.test("a watcher that falls too far behind is dropped, not buffered forever", async (t) => {
  const h = await startHarness(t, () => ({ limits: { maxQueuedEvents: 8 } }));
  const w = await watch(h.client);
  for (let i = 0; i < 500; i++) h.core.emit({ kind: "device_added", device: device(9) });
  t.match(await w.ended, {
    code: "UNAVAILABLE",
    message: /dropped this watch: it fell too far behind/,
  });
  t.ok(w.events.length < 500, `got ${w.events.length} events before the drop`);
  t.equal(h.core.listenerCount, 0, "the subscription is gone");
});

t.test("stopping the server ends open watches with UNAVAILABLE", async (t) => {
  const h = await startHarness(t);
  const w = await watch(h.client);
  await h.server.stop();
  t.match(await w.ended, { code: "UNAVAILABLE", message: /server is stopping/ });
  t.equal(h.core.listenerCount, 0);
});

t.test("an event the edge cannot encode ends that stream, not the core's emit loop", async (t) => {
  const h = await startHarness(t);
  const w = await watch(h.client);
  const bad = { ...device(6), identity: null } as unknown as ReturnType<typeof device>;
  t.doesNotThrow(() => h.core.emit({ kind: "device_added", device: bad }));
  t.match(await w.ended, { code: "INTERNAL" });
  t.equal(h.core.listenerCount, 0);
});
