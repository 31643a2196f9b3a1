import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { FileReleasePlanStore, type ReleasePlanRecord } from "../../src/aws/release-plan/index.js";
import { sampleRecord } from "./release-fixture.js";

function record(key?: string): ReleasePlanRecord {
  return sampleRecord({ key, bound: [{ device: "0000:00:06.0", eniId: null }] });
}

t.test("save, load and list round-trip; replace is atomic", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "plan-store-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = new FileReleasePlanStore({ stateDir: dir });
  t.same(await store.list(), [], "no directory yet: empty");
  const a = record("spot:terminate:2026-01-07T01:03:47Z");
  await store.save(a);
  a.status = "succeeded";
  await store.save(a);
  const b = record("asg:Terminated");
  await store.save(b);
  t.same(await store.load(a.key), a);
  t.equal(await store.load("scheduled:nope"), undefined);
  t.same((await store.list()).map((r) => r.key).sort(), [a.key, b.key].sort());
  const files = await readdir(store.dir);
  t.equal(files.length, 2, "one file per notice, no temp file left");
  t.ok(
    files.every((f) => /^plan-[0-9a-f]{32}\.json$/.test(f)),
    "names carry no key text",
  );
});

t.test("an unreadable record is treated as absent and reported", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "plan-store-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const corrupt: string[] = [];
  const store = new FileReleasePlanStore({ stateDir: dir, onCorrupt: (p) => corrupt.push(p) });
  const good = record("spot:terminate:x");
  await store.save(good);
  await writeFile(join(store.dir, "plan-broken.json"), "{not json");
  await writeFile(join(store.dir, "plan-old.json"), JSON.stringify({ version: 0, key: "k" }));
  t.same(
    (await store.list()).map((r) => r.key),
    [good.key],
  );
  t.equal(corrupt.length, 2);
  t.throws(() => new FileReleasePlanStore({ stateDir: "relative" }), { code: "INVALID_ARGUMENT" });
});
