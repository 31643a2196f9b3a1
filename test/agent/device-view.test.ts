import t from "tap";
import { DeviceView } from "../../src/agent/device-view.js";
import type { DeviceRecord } from "../../src/server/core-types.js";

/** A view over a counted, controllable build and a hand-driven clock. */
function harness(maxAgeMs = 1_000) {
  const state = {
    now: 10_000,
    builds: 0,
    inputs: [{ identity: 1 }, { config: 1 }] as unknown[],
    pending: [] as { resolve: (d: DeviceRecord[]) => void; reject: (e: Error) => void }[],
    manual: false,
  };
  const view = new DeviceView({
    build: () => {
      state.builds++;
      if (!state.manual) return Promise.resolve([]);
      return new Promise((resolve, reject) => state.pending.push({ resolve, reject }));
    },
    inputs: () => state.inputs,
    maxAgeMs: () => maxAgeMs,
    now: () => state.now,
  });
  return { view, state };
}

t.test("a kept listing answers until something changes", async (t) => {
  const { view, state } = harness();
  const first = await view.list({ fresh: false });
  const second = await view.list({ fresh: false });
  t.equal(state.builds, 1, "one scan for two calls");
  t.equal(second, first, "the same listing, so the edge can reuse its encoding");
  t.same(first.observedAt, new Date(10_000), "observed when the scan started");

  view.invalidate();
  const third = await view.list({ fresh: false });
  t.equal(state.builds, 2, "an invalidation makes the next call scan");
  t.not(third, first);
});

t.test("a new identity or configuration object rebuilds the listing", async (t) => {
  const { view, state } = harness();
  await view.list({ fresh: false });
  state.inputs = [{ identity: 2 }, state.inputs[1]];
  await view.list({ fresh: false });
  t.equal(state.builds, 2, "IMDS identity refreshed");
  state.inputs = [state.inputs[0], { config: 2 }];
  await view.list({ fresh: false });
  t.equal(state.builds, 3, "configuration reloaded");
  await view.list({ fresh: false });
  t.equal(state.builds, 3, "same objects: kept");
});

t.test(
  "a listing expires after maxAgeMs, which bounds how long an outside change hides",
  async (t) => {
    const { view, state } = harness(1_000);
    await view.list({ fresh: false });
    state.now += 999;
    await view.list({ fresh: false });
    t.equal(state.builds, 1, "still young");
    state.now += 1;
    const late = await view.list({ fresh: false });
    t.equal(state.builds, 2, "expired");
    t.same(late.observedAt, new Date(11_000));
  },
);

t.test("concurrent calls share one scan; a fresh call gets its own", async (t) => {
  const { view, state } = harness();
  state.manual = true;
  const a = view.list({ fresh: false });
  const b = view.list({ fresh: false });
  t.equal(state.builds, 1, "the second caller joins the running scan");
  const c = view.list({ fresh: true });
  t.equal(state.builds, 2, "fresh never joins a scan that started before it asked");
  for (const p of state.pending) p.resolve([]);
  const [la, lb] = await Promise.all([a, b, c]);
  t.equal(la, lb);
});

t.test("a scan invalidated while it ran answers its callers but is not kept", async (t) => {
  const { view, state } = harness();
  state.manual = true;
  const during = view.list({ fresh: false });
  view.invalidate();
  const after = view.list({ fresh: false });
  t.equal(state.builds, 2, "a caller after the change does not join the older scan");
  for (const p of state.pending) p.resolve([]);
  await Promise.all([during, after]);
  state.manual = false;
  t.equal(await view.list({ fresh: false }), await after, "the newer scan is the one kept");
  t.equal(state.builds, 2);
});

t.test("a failed scan is not kept: the next call scans again", async (t) => {
  const { view, state } = harness();
  state.manual = true;
  const failing = view.list({ fresh: false });
  state.pending[0]?.reject(new Error("EIO"));
  await t.rejects(failing, /EIO/);
  state.manual = false;
  await view.list({ fresh: false });
  t.equal(state.builds, 2);
});
