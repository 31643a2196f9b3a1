/**
 * Notices through the whole daemon, keyed by what they mean (issue 12): a
 * spot notice whose time moves on every poll, as amazon-ec2-metadata-mock
 * serves it by default, is one notice, one journaled plan and one detach
 * per owned ENI, with each moved time logged; and a plan resumed from the
 * journal at start-up, before any client could watch, is still there to
 * be seen afterwards (ListOperations, GetOperation).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import t from "tap";
import { simEniId } from "../../src/agent/simulated-host.js";
import { FileReleasePlanStore } from "../../src/aws/release-plan/index.js";
import { connectAgent } from "../../src/client/client.js";
import { agentHarness, eventually, tempDir } from "../agent/harness.js";

t.test("a spot time that moves on every poll is one plan; the moves are logged", async (t) => {
  const h = await agentHarness(t, { config: { termination: { dpdkGraceMs: 0 } } });
  h.host.fakeImds.announceSpot("terminate", 120_000, { moving: true });
  const ended = () =>
    h.logs.filter((l) => l.msg === "termination notice deadline changed").length >= 2;
  await eventually(ended);
  await eventually(() => !h.host.fakeEc2.model.enis.has(simEniId(8)));
  t.equal(
    h.logs.filter((l) => l.msg === "termination notice").length,
    1,
    "one notice however often the time moved",
  );
  const records = await new FileReleasePlanStore({ stateDir: h.config.stateDir }).list();
  t.same(
    records.map((r) => r.key),
    ["spot:terminate"],
    "one journaled plan",
  );
  const detaches = h.host.fakeEc2.requests.filter((r) => r.action === "DetachNetworkInterface");
  t.equal(detaches.length, 3, "one detach per owned ENI, none redundant");
  const moved = h.logs.find((l) => l.msg === "termination notice deadline changed");
  t.match(moved, { notice: "spot:terminate", plan: /^(kept|not-running)$/ });
  t.ok(
    Date.parse(String(moved?.deadline)) > Date.parse(String(moved?.previous)),
    "the log says from when to when",
  );
});

t.test("a plan resumed at start-up is recorded for ops and GetOperation", async (t) => {
  const dir = await tempDir(t);
  // A previous agent journaled a plan and died before finishing it (the
  // record is put back to "running", as the kill would have left it).
  const first = await agentHarness(t, {
    dir,
    persist: true,
    config: { termination: { dpdkGraceMs: 0 } },
  });
  const store = new FileReleasePlanStore({ stateDir: first.config.stateDir });
  first.host.fakeImds.announceSpot("stop", 120_000);
  await eventually(async () => (await store.list()).length === 1);
  const record = (await store.list())[0]!;
  await first.agent.stop();
  await store.save({ ...record, status: "running", finishedAtMs: undefined });

  const second = await agentHarness(t, { dir, persist: true });
  const client = connectAgent({ socketPath: second.socket });
  t.teardown(() => client.close());
  const termination = async () =>
    (await client.listOperations({})).operations.find(
      (o) => o.kind === "OPERATION_KIND_TERMINATION",
    );
  await eventually(async () => {
    const op = await termination();
    return op !== undefined && op.status !== "OPERATION_STATUS_RUNNING";
  });
  const op = (await termination())!;
  t.equal(op.status, "OPERATION_STATUS_SUCCEEDED", "how the resumed plan ended");
  const again = await client.getOperation(op.id);
  t.equal(again.status, "OPERATION_STATUS_SUCCEEDED");
  t.ok(
    second.logs.some((l) => l.msg === "termination plan resumed"),
    "and the log says it was resumed",
  );
  const files = await readdir(join(second.config.stateDir, "release-plans"));
  t.equal(files.length, 1);
});
