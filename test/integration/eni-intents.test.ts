/**
 * The controller contract (issue 13) end to end: the daemon on the
 * simulated EC2 host, called over its Unix socket with the typed client.
 * Intents before attach, apply on hot-attach, the release handshake with a
 * DPDK holder, owner fencing, generation ordering, request-id retries and a
 * restart with stored intents.
 */
import t from "tap";
import { simEniId } from "../../src/agent/simulated-host.js";
import { connectAgent } from "../../src/client/client.js";
import { type AgentError, isAgentError } from "../../src/common/index.js";
import { ENA_HARDWARE, ec2Mac } from "../../src/sim/index.js";
import { agentHarness, eventually } from "../agent/harness.js";
import { collectEvents } from "./events.js";

const OWNER = "nodeeni/3f0c2a9e-uid";

async function rejection(p: Promise<unknown>): Promise<AgentError> {
  try {
    await p;
  } catch (err) {
    if (isAgentError(err)) return err;
    throw err;
  }
  throw new Error("expected a rejection");
}

function intent(eniId: string, generation: number, driver = "vfio-pci") {
  return { eniId, driver, generation: String(generation) };
}

t.test("an intent for a present ENI binds it; release returns it SAFE_TO_DETACH", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const eni = simEniId(6);

  const bound = await client.putEniIntent({
    intent: intent(eni, 1),
    owner: OWNER,
    requestId: "put-1",
  });
  t.equal(bound.phase, "ENI_PHASE_BOUND");
  t.equal(bound.observedGeneration, "1");
  t.equal(bound.pciAddress, "0000:00:06.0");
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "vfio-pci", "the simulated kernel agrees");

  const again = await client.putEniIntent({
    intent: intent(eni, 1),
    owner: OWNER,
    requestId: "put-1",
  });
  t.equal(again.phase, "ENI_PHASE_BOUND", "a retried request id answers the same");
  const reused = await rejection(
    client.putEniIntent({
      intent: intent(eni, 2, "uio_pci_generic"),
      owner: OWNER,
      requestId: "put-1",
    }),
  );
  t.equal(reused.code, "INVALID_ARGUMENT", "a request id reused for another request is refused");

  const stranger = await rejection(
    client.releaseEni({ eniId: eni, owner: "other/uid", requestId: "rel-x" }),
  );
  t.equal(stranger.code, "PERMISSION_DENIED", "another owner cannot release it");
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "vfio-pci", "and nothing moved");

  const released = await client.releaseEni({ eniId: eni, owner: OWNER, requestId: "rel-1" });
  t.equal(released.outcome, "RELEASE_OUTCOME_SAFE_TO_DETACH");
  t.equal(released.status?.phase, "ENI_PHASE_SAFE_TO_DETACH");
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "ena");
  t.equal(
    h.host.kernel.device("0000:00:06.0")?.driverOverride ?? null,
    null,
    "driver_override is cleared",
  );

  const late = await rejection(
    client.putEniIntent({ intent: intent(eni, 1), owner: OWNER, requestId: "put-1-late" }),
  );
  t.equal(late.code, "ABORTED", "a late retry of the released generation does not bring it back");
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "ena");

  await h.host.kernel.unplugDevice("0000:00:06.0");
  t.equal((await client.getEni(eni)).phase, "ENI_PHASE_RELEASED", "detached: RELEASED");
});

t.test("the administrator's socket may force a release over another owner", async (t) => {
  // The main Unix socket opens only to root and its group: its callers are
  // the host's administrator. A TCP client saying force is refused
  // (test/server/intent-caller.test.ts).
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const eni = simEniId(6);
  await client.putEniIntent({ intent: intent(eni, 1), owner: OWNER, requestId: "put-1" });
  const refused = await rejection(
    client.releaseEni({ eniId: eni, owner: "admin/cleanup", requestId: "rel-a" }),
  );
  t.equal(refused.code, "PERMISSION_DENIED", "without force, even here");
  const forced = await client.releaseEni({
    eniId: eni,
    owner: "admin/cleanup",
    requestId: "rel-b",
    force: true,
  });
  t.equal(forced.outcome, "RELEASE_OUTCOME_SAFE_TO_DETACH");
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, "ena");
});

t.test("an intent put before attach is applied when the ENI appears", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const eni = simEniId(9);
  const mac = ec2Mac(9);

  const pending = await client.putEniIntent({
    intent: intent(eni, 1),
    owner: OWNER,
    requestId: "p1",
  });
  t.equal(pending.phase, "ENI_PHASE_PENDING_ATTACH");

  // The outside world attaches it: IMDS lists it, the device hot-plugs.
  h.host.fakeImds.addInterface({
    mac,
    interfaceId: eni,
    deviceNumber: 4,
    subnetId: "subnet-0ac62554",
    vpcId: "vpc-d295a6a7",
    ownerId: h.host.fakeEc2.model.ownerId,
    localIpv4s: ["10.0.0.20"],
  });
  h.host.kernel.addDevice({ ...ENA_HARDWARE, address: "0000:00:09.0", mac });
  await eventually(async () => (await client.getEni(eni)).phase === "ENI_PHASE_BOUND");
  t.equal(h.host.kernel.device("0000:00:09.0")?.driver, "vfio-pci");
  t.same(
    (await client.listEnis(OWNER)).map((s) => [s.eniId, s.phase, s.macAddress]),
    [[eni, "ENI_PHASE_BOUND", mac]],
  );
});

t.test(
  "a DPDK process holding the device fails the release with its pid; a retry after it exits succeeds",
  async (t) => {
    const h = await agentHarness(t);
    const client = connectAgent({ socketPath: h.socket });
    t.teardown(() => client.close());
    const eni = simEniId(7);
    await client.putEniIntent({ intent: intent(eni, 1), owner: OWNER, requestId: "p1" });
    const node = h.host.kernel.devNodes().find((n) => /^\/dev\/vfio\/(noiommu-)?\d+$/.test(n));
    t.ok(node, `vfio node ${node}`);
    const app = h.host.kernel.spawn("dpdk-testpmd");
    app.open(node!);
    app.openVfioDevice("0000:00:07.0");

    const held = await rejection(client.releaseEni({ eniId: eni, owner: OWNER, requestId: "r1" }));
    t.equal(held.code, "FAILED_PRECONDITION");
    t.match(held.message, `pid ${app.pid}`);
    t.equal(h.host.kernel.device("0000:00:07.0")?.driver, "vfio-pci", "the device stays with DPDK");
    t.equal((await client.getEni(eni)).phase, "ENI_PHASE_RELEASING");

    app.exit();
    const done = await client.releaseEni({ eniId: eni, owner: OWNER, requestId: "r1" });
    t.equal(
      done.outcome,
      "RELEASE_OUTCOME_SAFE_TO_DETACH",
      "the same request id, retried, now succeeds",
    );
    t.equal(h.host.kernel.device("0000:00:07.0")?.driver, "ena");
  },
);

t.test("generations order updates; NOT_PRESENT is a successful release", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const eni = simEniId(8);
  await client.putEniIntent({ intent: intent(eni, 2), owner: OWNER, requestId: "g2" });
  const older = await rejection(
    client.putEniIntent({
      intent: intent(eni, 1, "uio_pci_generic"),
      owner: OWNER,
      requestId: "g1",
    }),
  );
  t.equal(older.code, "ABORTED");
  const conflict = await rejection(
    client.putEniIntent({
      intent: intent(eni, 2, "uio_pci_generic"),
      owner: OWNER,
      requestId: "g2b",
    }),
  );
  t.equal(conflict.code, "ALREADY_EXISTS");
  t.equal(h.host.kernel.device("0000:00:08.0")?.driver, "vfio-pci", "still generation 2's driver");
  const newer = await client.putEniIntent({
    intent: intent(eni, 3, "uio_pci_generic"),
    owner: OWNER,
    requestId: "g3",
  });
  t.equal(newer.phase, "ENI_PHASE_BOUND");
  t.equal(newer.observedGeneration, "3");
  t.equal(h.host.kernel.device("0000:00:08.0")?.driver, "uio_pci_generic");

  const absent = simEniId(0x1f);
  await client.putEniIntent({ intent: intent(absent, 1), owner: OWNER, requestId: "a1" });
  const gone = await client.releaseEni({ eniId: absent, owner: OWNER, requestId: "a2" });
  t.equal(gone.outcome, "RELEASE_OUTCOME_NOT_PRESENT");
  t.equal(gone.status?.phase, "ENI_PHASE_RELEASED");
});

t.test(
  "sync releases what the owner no longer wants; a restart re-applies stored intents",
  async (t) => {
    const first = await agentHarness(t, { start: true });
    const client = connectAgent({ socketPath: first.socket });
    const [a, b] = [simEniId(6), simEniId(7)];
    const synced = await client.syncEniIntents({
      owner: OWNER,
      requestId: "s1",
      intents: [intent(a, 1), intent(b, 1)],
    });
    t.same(
      synced.statuses.map((s) => [s.eniId, s.phase]),
      [
        [a, "ENI_PHASE_BOUND"],
        [b, "ENI_PHASE_BOUND"],
      ],
    );
    t.same(synced.failures, []);
    const resynced = await client.syncEniIntents({
      owner: OWNER,
      requestId: "s2",
      intents: [intent(b, 1)],
    });
    t.same(
      resynced.statuses.map((s) => [s.eniId, s.phase]),
      [
        [a, "ENI_PHASE_SAFE_TO_DETACH"],
        [b, "ENI_PHASE_BOUND"],
      ],
    );
    t.equal(first.host.kernel.device("0000:00:06.0")?.driver, "ena");
    client.close();
    await first.agent.stop();

    // A reboot: the kernel comes back with every ENA on ena; the intents are on disk.
    const kernel = first.host.kernel;
    await kernel.sysfs.write("bus/pci/drivers/vfio-pci/unbind", "0000:00:07.0");
    await kernel.sysfs.write("bus/pci/devices/0000:00:07.0/driver_override", "\n");
    await kernel.sysfs.write("bus/pci/drivers_probe", "0000:00:07.0");
    t.equal(kernel.device("0000:00:07.0")?.driver, "ena", "rebooted onto the kernel driver");
    const second = await agentHarness(t, { dir: first.dir, kernel });
    const again = connectAgent({ socketPath: second.socket });
    t.teardown(() => again.close());
    await eventually(async () => (await again.getEni(b)).phase === "ENI_PHASE_BOUND");
    t.equal(kernel.device("0000:00:07.0")?.driver, "vfio-pci", "re-applied after the restart");
    t.same(
      (await again.listEnis(OWNER)).map((s) => [s.eniId, s.phase]),
      [
        [a, "ENI_PHASE_SAFE_TO_DETACH"],
        [b, "ENI_PHASE_BOUND"],
      ],
    );
  },
);

t.test("WatchEvents sends phase changes, filtered by owner and by ENI", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const mine = await collectEvents(client, {
    kinds: ["EVENT_KIND_ENI_PHASE_CHANGED"],
    owner: OWNER,
  });
  t.teardown(() => mine.stop());
  const others = await collectEvents(client, { owner: "other/uid" });
  t.teardown(() => others.stop());
  const seven = await collectEvents(client, { eniId: simEniId(7) });
  t.teardown(() => seven.stop());

  await client.putEniIntent({ intent: intent(simEniId(6), 1), owner: OWNER, requestId: "w1" });
  await client.putEniIntent({
    intent: intent(simEniId(7), 1),
    owner: "other/uid",
    requestId: "w2",
  });
  await mine.waitFor((e) => e.eniPhaseChanged?.phase === "ENI_PHASE_BOUND");
  await client.releaseEni({ eniId: simEniId(6), owner: OWNER, requestId: "w3" });
  await mine.waitFor((e) => e.eniPhaseChanged?.phase === "ENI_PHASE_SAFE_TO_DETACH");
  t.same(
    [...new Set(mine.events.map((e) => e.eniPhaseChanged?.eniId))],
    [simEniId(6)],
    "only the owner's ENI",
  );
  t.same(
    mine.events.map((e) => e.eniPhaseChanged?.phase).filter((p) => p !== "ENI_PHASE_RELEASING"),
    ["ENI_PHASE_BINDING", "ENI_PHASE_BOUND", "ENI_PHASE_SAFE_TO_DETACH"],
  );
  await others.waitFor(
    (e) =>
      e.eniPhaseChanged?.eniId === simEniId(7) && e.eniPhaseChanged.phase === "ENI_PHASE_BOUND",
  );
  t.notOk(
    others.events.some((e) => e.eniPhaseChanged !== null && e.eniPhaseChanged?.owner === OWNER),
    "the other owner's watch sees none of this owner's phases",
  );
  await seven.waitFor((e) => e.eniPhaseChanged?.phase === "ENI_PHASE_BOUND");
  t.same(
    [...new Set(seven.events.map((e) => e.eniPhaseChanged?.eniId).filter(Boolean))],
    [simEniId(7)],
    "an ENI filter passes only that ENI's phases",
  );
});

t.test(
  "mode DETACH_AND_DELETE: an owned ENI is detached and deleted after the handshake",
  async (t) => {
    const h = await agentHarness(t);
    const client = connectAgent({ socketPath: h.socket });
    t.teardown(() => client.close());
    const [owned, foreign] = [simEniId(6), simEniId(7)];
    await client.putEniIntent({ intent: intent(owned, 1), owner: OWNER, requestId: "d1" });
    await client.putEniIntent({ intent: intent(foreign, 1), owner: OWNER, requestId: "d2" });
    // Not tagged as this agent's: it must not be deleted.
    h.host.fakeEc2.model.enis.get(foreign)?.tags.clear();

    const deleted = await client.releaseEni({
      eniId: owned,
      owner: OWNER,
      requestId: "d3",
      mode: "RELEASE_MODE_DETACH_AND_DELETE",
    });
    t.equal(deleted.outcome, "RELEASE_OUTCOME_DELETED");
    t.notOk(h.host.fakeEc2.model.enis.has(owned), "EC2 no longer has it");
    t.notOk(
      h.host.fakeEc2.model.enis.get(owned)?.attachment?.forced,
      "and nothing was force-detached",
    );

    const refused = await rejection(
      client.releaseEni({
        eniId: foreign,
        owner: OWNER,
        requestId: "d4",
        mode: "RELEASE_MODE_DETACH_AND_DELETE",
      }),
    );
    t.equal(refused.code, "FAILED_PRECONDITION");
    t.equal(refused.guard, "not-owned");
    t.ok(h.host.fakeEc2.model.enis.has(foreign), "a foreign ENI stays");
    t.equal(h.host.kernel.device("0000:00:07.0")?.driver, "ena", "the handshake itself was done");
    t.equal((await client.getEni(foreign)).phase, "ENI_PHASE_SAFE_TO_DETACH");
  },
);
