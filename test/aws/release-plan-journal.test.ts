import t from "tap";
import { planJournal } from "../../src/aws/release-plan/execute-plan.js";
import { MemoryReleasePlanStore } from "../../src/aws/release-plan/index.js";
import { AgentError } from "../../src/common/index.js";
import { sampleRecord } from "./release-fixture.js";

t.test("a burst of changes costs two writes; each caller waits for its own", async (t) => {
  const store = new MemoryReleasePlanStore();
  const record = sampleRecord();
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const saved: number[] = [];
  const slow = {
    load: (key: string) => store.load(key),
    list: () => store.list(),
    save: async (r: typeof record) => {
      saved.push(r.resumes);
      if (saved.length === 1) await gate;
      await store.save(r);
    },
  };
  const journal = planJournal(slow, record, (err) => t.fail(String(err)));
  const first = journal();
  t.equal(journal(), first, "calls before the write starts share it");
  await new Promise((resolve) => setImmediate(resolve));
  t.same(saved, [0], "the first write is under way");
  let settled = 0;
  const during = Array.from({ length: 9 }, (_, i) => {
    record.resumes = i + 1;
    return journal().then(() => (settled += 1));
  });
  release();
  await first;
  await Promise.all(during);
  t.equal(settled, 9);
  t.same(saved, [0, 9], "one more write, shared by the nine, saving the last change");
  t.equal(store.saves, 2);
});

t.test("a failed save is reported, not thrown, and later saves still run", async (t) => {
  const store = new MemoryReleasePlanStore();
  const record = sampleRecord();
  let fail = true;
  const failing = {
    load: (key: string) => store.load(key),
    list: () => store.list(),
    save: async (r: typeof record) => {
      if (fail) throw new AgentError("UNAVAILABLE", "disk full", { errno: "ENOSPC" });
      await store.save(r);
    },
  };
  const errors: unknown[] = [];
  const journal = planJournal(failing, record, (err) => errors.push(err));
  await journal();
  t.match(errors, [{ code: "UNAVAILABLE", errno: "ENOSPC" }]);
  fail = false;
  record.status = "succeeded";
  await journal();
  t.equal((await store.load(record.key))?.status, "succeeded");
});
