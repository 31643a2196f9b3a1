/**
 * EniIntents on fake ports (issue 13): a host of devices by MAC, an IMDS
 * that may be down, an engine whose restore may be refused. Covers the
 * request-id join, a crash between restore and drop, and IMDS being down.
 */
import t from "tap";
import {
  AgentError,
  type DriverName,
  type EniId,
  type Mac,
  parseEniId,
  parseMac,
} from "../../src/common/index.js";
import {
  EniIntents,
  type EniIntentsDeps,
  type EniLocation,
  type IntentStore,
  MemoryIntentStore,
  type PresentDevice,
} from "../../src/intents/index.js";

const ENI = parseEniId("eni-0000000000000000a");
const MAC = parseMac("02:00:00:00:00:0a");
const caller = { identity: "test", admin: false };

class FakeHost {
  devices = new Map<Mac, PresentDevice>();
  imds: "up" | "down" = "up";
  attached = new Map<EniId, Mac>();
  holder: number | null = null;
  binds = 0;
  /** Device lookups by MAC (each one a scan of the host in the agent). */
  lookups = 0;
  /** Resolves the next bind when set: lets a test hold a bind in flight. */
  gate: Promise<void> | null = null;

  attach(eni: EniId, mac: Mac, address: string): void {
    this.attached.set(eni, mac);
    this.devices.set(mac, { address, driver: "ena", onKernelDriver: true });
  }

  intents(
    store: IntentStore = new MemoryIntentStore(),
    extra: Partial<EniIntentsDeps> = {},
  ): EniIntents {
    const warnings: unknown[] = [];
    return new EniIntents({
      ...extra,
      store,
      locate: async (eni): Promise<EniLocation> => {
        if (this.imds === "down") return { kind: "unknown", reason: "IMDS down" };
        const mac = this.attached.get(eni);
        return mac === undefined ? { kind: "absent" } : { kind: "attached", mac };
      },
      deviceOf: async (mac) => {
        this.lookups++;
        return this.devices.get(mac) ?? null;
      },
      bind: async (address, driver: DriverName) => {
        this.binds++;
        await this.gate;
        this.#set(address, driver, false);
      },
      restore: async (address) => {
        if (this.holder !== null) {
          throw new AgentError("FAILED_PRECONDITION", `pid ${this.holder} (testpmd) holds it`);
        }
        this.#set(address, "ena", true);
      },
      mayBind: () => true,
      log: { info: () => undefined, warn: (f) => warnings.push(f) },
    });
  }

  #set(address: string, driver: string, onKernelDriver: boolean): void {
    for (const [mac, d] of this.devices) {
      if (d.address === address) this.devices.set(mac, { address, driver, onKernelDriver });
    }
  }
}

function wish(generation: number, requestId = `r${generation}`) {
  return {
    eniId: ENI,
    mac: null,
    driver: "vfio-pci" as DriverName,
    owner: "ctl/a",
    generation,
    requestId,
    force: false,
  };
}

async function started(host: FakeHost, store?: IntentStore): Promise<EniIntents> {
  const intents = host.intents(store);
  await intents.start(new AbortController().signal);
  return intents;
}

t.test("a repeated request id joins the bind in flight: one bind, one answer", async (t) => {
  const host = new FakeHost();
  host.attach(ENI, MAC, "0000:00:0a.0");
  let open!: () => void;
  host.gate = new Promise((r) => {
    open = r;
  });
  const intents = await started(host);
  const first = intents.put(wish(1), caller);
  const retry = intents.put(wish(1), caller);
  open();
  const [a, b] = await Promise.all([first, retry]);
  t.equal(host.binds, 1);
  t.equal(a.phase, "BOUND");
  t.same(a, b);
  await intents.stop();
});

t.test("a stored intent waits for its ENI and binds it on reconcile", async (t) => {
  const host = new FakeHost();
  const intents = await started(host);
  t.equal((await intents.put(wish(1), caller)).phase, "PENDING_ATTACH");
  host.attach(ENI, MAC, "0000:00:0a.0");
  intents.reconcile();
  await intents.settled();
  const status = await intents.get(ENI);
  t.equal(status.phase, "BOUND");
  t.equal(status.mac, MAC);
  await intents.stop();
});

t.test("a crash between restore and drop: the next start finishes the release", async (t) => {
  const host = new FakeHost();
  host.attach(ENI, MAC, "0000:00:0a.0");
  const store = new MemoryIntentStore();
  const first = await started(host, store);
  await first.put(wish(1), caller);
  host.holder = 4242;
  await t.rejects(
    first.release({ eniId: ENI, owner: "ctl/a", requestId: "rel", force: false }, caller),
    {
      code: "FAILED_PRECONDITION",
      message: /pid 4242/,
    },
  );
  t.equal((await store.load()).intents[0]?.releasing, true, "marked releasing on disk first");
  await first.stop();

  host.holder = null;
  const second = await started(host, store);
  await second.settled();
  t.equal(
    host.devices.get(MAC)?.driver,
    "ena",
    "the restart restored it rather than bind it again",
  );
  t.same((await store.load()).intents, []);
  t.equal((await second.get(ENI)).phase, "SAFE_TO_DETACH");
  await second.stop();
});

t.test(
  "release while IMDS is down and no MAC is known is UNAVAILABLE, never NOT_PRESENT",
  async (t) => {
    const host = new FakeHost();
    const intents = await started(host);
    host.imds = "down";
    await intents.put(wish(1), caller);
    await t.rejects(
      intents.release({ eniId: ENI, owner: "ctl/a", requestId: "rel", force: false }, caller),
      { code: "UNAVAILABLE" },
    );
    host.imds = "up";
    const done = await intents.release(
      { eniId: ENI, owner: "ctl/a", requestId: "rel", force: false },
      caller,
    );
    t.equal(done.outcome, "NOT_PRESENT");
    await intents.stop();
  },
);

t.test("a learned MAC lets a release answer while IMDS is down", async (t) => {
  const host = new FakeHost();
  host.attach(ENI, MAC, "0000:00:0a.0");
  const store = new MemoryIntentStore();
  const intents = await started(host, store);
  await intents.put(wish(1), caller);
  t.equal((await store.load()).intents[0]?.mac, MAC, "the MAC from IMDS is kept with the intent");
  host.imds = "down";
  const done = await intents.release(
    { eniId: ENI, owner: "ctl/a", requestId: "rel", force: false },
    caller,
  );
  t.equal(done.outcome, "SAFE_TO_DETACH");
  t.equal(host.devices.get(MAC)?.driver, "ena");
  await intents.stop();
});

t.test(
  "a release of an ENI that no intent named answers from its device, not NOT_FOUND",
  async (t) => {
    // A controller killed between creating the ENI and its PutEniIntent
    // cleans up with a release of an ENI the agent never heard of.
    const host = new FakeHost();
    host.attach(ENI, MAC, "0000:00:0a.0");
    const intents = await started(host);
    const attached = await intents.release(
      { eniId: ENI, owner: "ctl/a", requestId: "rel", force: false },
      caller,
    );
    t.equal(attached.outcome, "SAFE_TO_DETACH");
    t.match(attached.status, { phase: "SAFE_TO_DETACH", owner: "ctl/a", generation: 0 });
    await t.rejects(intents.get(ENI), { code: "NOT_FOUND" }, "and no intent appears");

    host.attached.delete(ENI);
    host.devices.delete(MAC);
    const gone = await intents.release(
      { eniId: ENI, owner: "ctl/a", requestId: "rel2", force: false },
      caller,
    );
    t.equal(gone.outcome, "NOT_PRESENT");
    t.equal(gone.status.phase, "RELEASED");
    await intents.stop();
  },
);

t.test("a put that moves nothing answers from its one read of the host", async (t) => {
  // Level-triggered controllers repeat their put every pass: it should cost one lookup.
  const host = new FakeHost();
  host.attach(ENI, MAC, "0000:00:0a.0");
  const intents = await started(host);
  t.equal((await intents.put(wish(1), caller)).phase, "BOUND");
  const before = host.lookups;
  const again = await intents.put(wish(1, "r1-again"), caller);
  t.equal(again.phase, "BOUND");
  t.equal(again.observedGeneration, 1);
  t.equal(host.lookups - before, 1, "one lookup for the repeated put");
  t.equal(host.binds, 1);
  await intents.stop();
});

t.test("a detach-and-delete cut short by a crash is finished at the next start", async (t) => {
  const host = new FakeHost();
  host.attach(ENI, MAC, "0000:00:0a.0");
  const store = new MemoryIntentStore();
  let started1 = false;
  // The first agent dies inside EC2's detach-and-delete: its call never returns.
  const first = host.intents(store, {
    detachAndDelete: () => {
      started1 = true;
      return new Promise<void>(() => undefined);
    },
  });
  await first.start(new AbortController().signal);
  await first.put(wish(1), caller);
  void first.release(
    { eniId: ENI, owner: "ctl/a", requestId: "rel", force: false, mode: "detach-and-delete" },
    caller,
  );
  while (!started1) await new Promise((resolve) => setImmediate(resolve));
  t.match((await store.load()).released, [{ eniId: ENI, deleting: true }], "journaled first");

  const deleted: EniId[] = [];
  const second = host.intents(store, {
    detachAndDelete: async (eni) => {
      deleted.push(eni);
    },
  });
  await second.start(new AbortController().signal);
  await second.settled();
  t.same(deleted, [ENI], "the next start finished it");
  t.notOk((await store.load()).released[0]?.deleting, "and unmarked it");
  await second.stop();
});

t.test("a journaled delete that cannot succeed is dropped, not tried at every start", async (t) => {
  const host = new FakeHost();
  const store = new MemoryIntentStore();
  await store.save({
    intents: [],
    released: [{ eniId: ENI, owner: "ctl/a", generation: 1, mac: MAC, deleting: true }],
  });
  let calls = 0;
  const notOwned = {
    detachAndDelete: async () => {
      calls++;
      throw new AgentError("FAILED_PRECONDITION", `${ENI} is not this agent's`, {
        guard: "not-owned",
      });
    },
  };
  const second = host.intents(store, notOwned);
  await second.start(new AbortController().signal);
  await second.settled();
  t.equal(calls, 1);
  t.notOk((await store.load()).released[0]?.deleting, "unmarked");
  await second.stop();
  const third = host.intents(store, notOwned);
  await third.start(new AbortController().signal);
  await third.settled();
  t.equal(calls, 1, "not tried again");
  await third.stop();
});
