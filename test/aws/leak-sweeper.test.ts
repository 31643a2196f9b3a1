import t from "tap";
import { LeakSweeper, parseCreatedAt, type SweepReport } from "../../src/aws/leak-sweeper.js";
import { OWNER, startEc2, type Teardown, waitFor } from "./helpers.js";

const OWNED = { [OWNER.tagKey]: OWNER.tagValue };
const MINUTE = 60_000;

async function setup(t: Teardown, options: ConstructorParameters<typeof LeakSweeper>[1] = {}) {
  const env = await startEc2(t);
  // Sweeps are called by hand here; the ENIs' age moves with this offset.
  let offset = 0;
  const now = () => env.clock.now() + offset;
  const reports: SweepReport[] = [];
  const sweeper = new LeakSweeper(
    { actions: () => env.actions, clock: { ...env.clock, now }, onSweep: (r) => reports.push(r) },
    { minAgeMs: 15 * MINUTE, ...options },
  );
  t.teardown(() => sweeper.stop());
  const advance = (ms: number) => {
    offset += ms;
  };
  const decisions = (r: SweepReport) =>
    Object.fromEntries(r.entries.map((e) => [e.eniId, e.decision]));
  return { ...env, sweeper, now, advance, reports, decisions };
}

t.test("deletes only owned, old, available ENIs seen in two consecutive sweeps", async (t) => {
  const { ec2, sweeper, now, advance, instanceId, decisions } = await setup(t);
  const iso = (ms: number) => new Date(ms).toISOString();
  const old = ec2.model.createEni({
    tags: { ...OWNED, "eni-agent/created-at": iso(now() - 60 * MINUTE) },
  });
  const young = ec2.model.createEni({ tags: { ...OWNED, "eni-agent/created-at": iso(now()) } });
  const untagged = ec2.model.createEni({ tags: OWNED });
  const attached = ec2.model.createEni({ tags: OWNED });
  ec2.model.attach(attached.id, instanceId, 1);
  const foreign = ec2.model.createEni({
    tags: { "eni-agent/created-at": iso(now() - 60 * MINUTE) },
  });
  const otherOwner = ec2.model.createEni({ tags: { [OWNER.tagKey]: "i-someone-else" } });

  const first = await sweeper.sweep();
  t.same(decisions(first), {
    [old.id]: "sighted",
    [young.id]: "sighted",
    [untagged.id]: "sighted",
  });
  t.ok(ec2.model.enis.has(old.id), "one sighting deletes nothing");

  advance(10 * MINUTE);
  const second = await sweeper.sweep();
  t.same(decisions(second), {
    [old.id]: "deleted",
    [young.id]: "too-young",
    [untagged.id]: "too-young",
  });
  t.match(
    second.entries.find((e) => e.eniId === untagged.id),
    { ageFrom: "first-seen" },
  );
  t.notOk(ec2.model.enis.has(old.id));

  advance(10 * MINUTE);
  const third = await sweeper.sweep();
  t.same(decisions(third), { [young.id]: "deleted", [untagged.id]: "deleted" });
  for (const kept of [attached, foreign, otherOwner]) t.ok(ec2.model.enis.has(kept.id), "kept");

  const describes = ec2.requests.filter((r) => r.action === "DescribeNetworkInterfaces");
  for (const d of describes) {
    t.ok(d.params.MaxResults, "paginated");
    t.ok(
      Object.keys(d.params).some((k) => k.startsWith("Filter.")),
      "filtered",
    );
  }
  const listing = describes[0]!.params;
  t.same(
    [listing["Filter.1.Name"], listing["Filter.2.Name"], listing["Filter.2.Value.1"]],
    [`tag:${OWNER.tagKey}`, "status", "available"],
  );
});

t.test("sightings must be consecutive: an ENI attached in between starts over", async (t) => {
  const { ec2, sweeper, advance, instanceId, decisions } = await setup(t, { minAgeMs: 0 });
  const eni = ec2.model.createEni({ tags: OWNED });
  t.same(decisions(await sweeper.sweep()), { [eni.id]: "sighted" });
  ec2.model.attach(eni.id, instanceId, 1);
  advance(MINUTE);
  t.same(decisions(await sweeper.sweep()), {}, "in use: not listed");
  ec2.model.enis.get(eni.id)!.attachment = undefined;
  advance(MINUTE);
  t.same(decisions(await sweeper.sweep()), { [eni.id]: "sighted" }, "counted from one again");
  advance(MINUTE);
  t.same(decisions(await sweeper.sweep()), { [eni.id]: "deleted" });
});

t.test("dry run reports would-delete and changes nothing; preview records nothing", async (t) => {
  const { ec2, sweeper, advance, decisions } = await setup(t, { minAgeMs: 0, dryRun: true });
  const eni = ec2.model.createEni({ tags: OWNED });
  const preview = await sweeper.preview();
  t.same(decisions(preview), { [eni.id]: "sighted" });
  t.same(decisions(await sweeper.sweep()), { [eni.id]: "sighted" }, "the preview was no sighting");
  advance(MINUTE);
  t.same(decisions(await sweeper.sweep()), { [eni.id]: "would-delete" });
  t.ok(ec2.model.enis.has(eni.id));
  const deletes = ec2.requests.filter((r) => r.action === "DeleteNetworkInterface");
  t.same(
    deletes.map((d) => [d.params.DryRun, d.errorCode]),
    [["true", "DryRunOperation"]],
  );
});

t.test("deletes per sweep are bounded", async (t) => {
  const { ec2, sweeper, advance } = await setup(t, { minAgeMs: 0, maxDeletesPerSweep: 2 });
  for (let i = 0; i < 5; i++) ec2.model.createEni({ tags: OWNED });
  await sweeper.sweep();
  advance(MINUTE);
  const report = await sweeper.sweep();
  const count = (d: string) => report.entries.filter((e) => e.decision === d).length;
  t.equal(count("deleted"), 2);
  t.equal(count("deferred"), 3);
});

t.test("as an owned job: sweeps at start and on its interval; stop is idempotent", async (t) => {
  const env = await startEc2(t);
  const eni = env.ec2.model.createEni({ tags: OWNED });
  const reports: SweepReport[] = [];
  const waits: number[] = [];
  const sweeper = new LeakSweeper(
    {
      actions: () => env.actions,
      clock: {
        ...env.clock,
        sleep: (ms, signal) => {
          waits.push(ms);
          return env.clock.sleep(ms, signal);
        },
      },
      random: () => 0.9,
      onSweep: (r) => reports.push(r),
    },
    { intervalMs: 300_000, jitter: 0.5, minAgeMs: 0 },
  );
  const t0 = env.clock.now();
  await sweeper.start(AbortSignal.timeout(30_000));
  // The report follows EC2's answer to the delete: wait for it, not for the model.
  await waitFor(() => reports.length >= 2);
  t.notOk(env.ec2.model.enis.has(eni.id), "deleted by the second sweep");
  t.equal(reports[0]?.atMs, t0, "the first sweep runs at start");
  t.equal(reports[0]?.entries[0]?.decision, "sighted");
  t.equal(waits[0], 420_000, "each wait is the interval with its jitter (here +40 %)");
  t.equal(reports[1]?.atMs, t0 + 420_000, "the next sweep after that wait, on the clock");
  await sweeper.stop();
  await sweeper.stop();
  const after = reports.length;
  const sweepsAt = env.clock.now();
  await env.clock.sleep(3_600_000);
  t.ok(env.clock.now() >= sweepsAt + 3_600_000, "an hour passed");
  t.equal(reports.length, after, "no sweep after stop");
});

t.test("creation time tags", async (t) => {
  t.equal(parseCreatedAt("2026-01-07T01:00:00Z"), Date.parse("2026-01-07T01:00:00Z"));
  t.equal(parseCreatedAt("1767747600"), 1767747600_000);
  t.equal(parseCreatedAt("1767747600000"), 1767747600_000);
  for (const bad of ["yesterday", "2026-01-07", "", "17677476", "2026-13-40T99:00:00Z"]) {
    t.equal(parseCreatedAt(bad), undefined, JSON.stringify(bad));
  }
});
