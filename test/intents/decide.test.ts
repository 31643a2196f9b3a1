/** The contract's rules (issue 13) without a host: generations, owners, tombstones. */
import t from "tap";
import { type DriverName, type EniId, parseEniId } from "../../src/common/index.js";
import { decidePut, fenceRelease, type IntentState } from "../../src/intents/index.js";

const ENI = parseEniId("eni-0123456789abcdef0");
const user = { identity: "tcp:CN=controller", admin: false };
const admin = { identity: "unix:/run/eni-agent/eni-agent.sock", admin: true };

function put(generation: number, driver = "vfio-pci", owner = "ctl/a", force = false) {
  return {
    eniId: ENI as EniId,
    mac: null,
    driver: driver as DriverName,
    owner,
    generation,
    requestId: `r${generation}`,
    force,
  };
}

function stored(
  generation: number,
  extra: Partial<IntentState["intents"][number]> = {},
): IntentState {
  const { force: _force, ...intent } = put(generation);
  return { intents: [{ ...intent, releasing: false, ...extra }], released: [] };
}

t.test(
  "a new intent is stored; a newer generation replaces; an older one is ABORTED",
  async (t) => {
    t.equal(decidePut({ intents: [], released: [] }, put(1), user).kind, "store");
    t.equal(decidePut(stored(2), put(3), user).kind, "store");
    t.throws(() => decidePut(stored(2), put(1), user), { code: "ABORTED" });
  },
);

t.test(
  "the same generation: unchanged when it says the same, ALREADY_EXISTS otherwise",
  async (t) => {
    t.equal(decidePut(stored(2), put(2), user).kind, "unchanged");
    t.throws(() => decidePut(stored(2), put(2, "uio_pci_generic"), user), {
      code: "ALREADY_EXISTS",
    });
  },
);

t.test("another owner is PERMISSION_DENIED unless the administrator forces", async (t) => {
  t.throws(() => decidePut(stored(1), put(5, "vfio-pci", "ctl/b"), user), {
    code: "PERMISSION_DENIED",
  });
  t.throws(
    () => decidePut(stored(1), put(5, "vfio-pci", "ctl/b", true), user),
    {
      code: "PERMISSION_DENIED",
    },
    "force from a non-admin caller is refused too",
  );
  t.equal(decidePut(stored(1), put(5, "vfio-pci", "ctl/b", true), admin).kind, "store");
  t.throws(() => fenceRelease(stored(1), ENI, "ctl/b", false, admin), {
    code: "PERMISSION_DENIED",
  });
  t.ok(fenceRelease(stored(1), ENI, "ctl/b", true, admin));
  t.equal(fenceRelease({ intents: [], released: [] }, ENI, "ctl/b", false, user), null);
});

t.test("a released generation fences its owner's late retries, not a new owner", async (t) => {
  const state: IntentState = {
    intents: [],
    released: [{ eniId: ENI, owner: "ctl/a", generation: 4, mac: null }],
  };
  t.throws(() => decidePut(state, put(4), user), { code: "ABORTED" });
  t.throws(() => decidePut(state, put(3), user), { code: "ABORTED" });
  t.equal(decidePut(state, put(5), user).kind, "store");
  t.equal(decidePut(state, put(1, "vfio-pci", "ctl/b"), user).kind, "store");
});

t.test("an intent being released takes no new generation", async (t) => {
  t.throws(() => decidePut(stored(1, { releasing: true }), put(2), user), { code: "ABORTED" });
});
