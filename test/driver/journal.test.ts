import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { FileJournal } from "../../src/driver/file-journal.js";
import {
  compactRecords,
  decodeJournal,
  encodeRecord,
  foldJournal,
  type Journal,
  type JournalRecord,
  unfinished,
} from "../../src/driver/journal.js";
import { MemoryJournal } from "../../src/driver/memory-journal.js";
import type { OperationHeader } from "../../src/driver/types.js";
import { forgedHeader } from "./journal-fixtures.js";

function header(id: string, device = "0000:00:06.0"): OperationHeader {
  return forgedHeader(
    device,
    id,
    { driver: "ena", override: null },
    { driver: "vfio-pci", override: "vfio-pci" },
  );
}

const begin = (id: string, device?: string): JournalRecord => ({
  v: 1,
  type: "begin",
  at: "2026-01-01T00:00:00.000Z",
  op: header(id, device),
});
const end = (id: string): JournalRecord => ({
  v: 1,
  type: "end",
  at: "2026-01-01T00:00:01.000Z",
  id,
  outcome: "committed",
  observed: null,
  error: null,
});

async function contract(t: Test, make: () => Promise<{ journal: Journal; reopen: () => Journal }>) {
  const { journal, reopen } = await make();
  t.same(await journal.load(), { records: [], problems: [] }, "empty journal loads");
  await journal.append(begin("op-1"));
  await journal.append(end("op-1"));
  await journal.append(begin("op-2"));
  const loaded = await reopen().load();
  t.equal(loaded.problems.length, 0);
  const views = foldJournal(loaded.records);
  t.same(
    views.map((v) => [v.header.id, v.status]),
    [
      ["op-1", "committed"],
      ["op-2", "running"],
    ],
  );
  t.same(
    unfinished(views).map((v) => v.header.id),
    ["op-2"],
  );
  await journal.replace([begin("op-2")]);
  t.same(
    (await reopen().load()).records,
    [begin("op-2")],
    "replace keeps exactly what it is given",
  );
}

t.test("memory journal: the journal contract", async (t) => {
  await contract(t, async () => {
    const journal = new MemoryJournal();
    return { journal, reopen: () => new MemoryJournal(journal.text()) };
  });
});

t.test("file journal: the journal contract", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "journal-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await contract(t, async () => {
    const stateDir = join(dir, "state");
    return { journal: new FileJournal({ stateDir }), reopen: () => new FileJournal({ stateDir }) };
  });
});

t.test("file journal: appends made together all land, in the order they were made", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "journal-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const journal = new FileJournal({ stateDir: dir });
  const ids = Array.from({ length: 40 }, (_, i) => `op-${i}`);
  // They arrive while earlier ones are being written and share their writes.
  await Promise.all(
    ids.map((id, i) =>
      journal.append(begin(id, `0000:${(i + 1).toString(16).padStart(2, "0")}:00.0`)),
    ),
  );
  const loaded = await new FileJournal({ stateDir: dir }).load();
  t.same(loaded.problems, []);
  t.same(
    loaded.records.map((r) => (r.type === "begin" ? r.op.id : r.id)),
    ids,
  );
});

t.test("file journal: the kept file follows the name (deleted, replaced, closed)", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "journal-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "journal.log");
  const journal = new FileJournal({ stateDir: dir });
  const ids = async () =>
    decodeJournal(await readFile(path, "utf8")).records.map((r) =>
      r.type === "begin" ? r.op.id : r.id,
    );
  await journal.append(begin("op-1"));
  await rm(path);
  await journal.append(begin("op-2"));
  t.same(await ids(), ["op-2"], "an operator deleted it: the next record starts a new one");
  await journal.replace([begin("op-1")]);
  await journal.append(end("op-1"));
  t.same(await ids(), ["op-1", "op-1"], "after a replace, appends go to the new file");
  await journal.close();
  await journal.close();
  await journal.append(begin("op-3", "0000:00:07.0"));
  t.same(await ids(), ["op-1", "op-1", "op-3"], "closed: the next append reopens");
});

t.test(
  "a torn last record is reported, not thrown, and the next append starts a fresh line",
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "journal-"));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, "journal.log");
    const whole = encodeRecord(begin("op-1"));
    const torn = encodeRecord(begin("op-2")).slice(0, 40);
    await writeFile(path, whole + torn);
    const journal = new FileJournal({ stateDir: dir });
    const first = await journal.load();
    t.same(
      first.records.map((r) => (r.type === "begin" ? r.op.id : r.id)),
      ["op-1"],
    );
    t.same(
      first.problems.map((p) => [p.line, p.kind]),
      [[2, "torn"]],
    );
    await new FileJournal({ stateDir: dir }).append(end("op-1"));
    const second = await journal.load();
    t.equal(second.records.length, 2, "the record after the torn one is whole");
    t.same(
      second.problems.map((p) => [p.line, p.kind]),
      [[2, "checksum"]],
    );
    t.ok((await readFile(path, "utf8")).endsWith("\n"));
  },
);

t.test("corrupt, foreign-version and malformed records are reported with their line", async (t) => {
  const good = encodeRecord(begin("op-1"));
  const flipped = encodeRecord(end("op-1")).replace("committed", "commitded");
  const v2json = JSON.stringify({ ...begin("op-3"), v: 2 });
  const { crc32 } = await import("node:zlib");
  const sum = (s: string) => crc32(s).toString(16).padStart(8, "0");
  const v2 = `${sum(v2json)} ${v2json}\n`;
  const shapeless = `${sum('{"v":1,"type":"end"}')} {"v":1,"type":"end"}\n`;
  const notJson = `${sum("{oops")} {oops\n`;
  const out = decodeJournal(good + flipped + v2 + shapeless + notJson);
  t.equal(out.records.length, 1);
  t.same(
    out.problems.map((p) => [p.line, p.kind]),
    [
      [2, "checksum"],
      [3, "version"],
      [4, "shape"],
      [5, "syntax"],
    ],
  );
});

t.test(
  "memory journal faults: a failed append stores nothing, a torn one half a record",
  async (t) => {
    const journal = new MemoryJournal();
    journal.injectFault(1, { kind: "fail", errno: "ENOSPC" });
    await t.rejects(journal.append(begin("op-1")), { code: "UNAVAILABLE", errno: "ENOSPC" });
    t.equal(journal.text(), "");
    journal.injectFault(1, { kind: "tear" });
    await t.rejects(journal.append(begin("op-1")), { code: "UNAVAILABLE", errno: "EIO" });
    t.same(
      (await journal.load()).problems.map((p) => p.kind),
      ["torn"],
    );
    await journal.append(begin("op-2"));
    const after = await journal.load();
    t.same(
      after.records.map((r) => (r.type === "begin" ? r.op.id : "")),
      ["op-2"],
    );
    journal.corruptByte(journal.text().lastIndexOf("op-2") + 1);
    t.same((await journal.load()).records, [], "a corrupted byte is caught by the checksum");
  },
);

t.test("compaction keeps unfinished operations and each device's latest", async (t) => {
  const records = [
    begin("a1", "0000:00:06.0"),
    end("a1"),
    begin("a2", "0000:00:06.0"),
    end("a2"),
    begin("b1", "0000:00:07.0"),
    end("b1"),
    begin("c1", "0000:00:08.0"),
  ];
  const kept = compactRecords(records, 0);
  t.same(
    foldJournal(kept).map((v) => [v.header.id, v.status]),
    [
      ["a2", "committed"],
      ["b1", "committed"],
      ["c1", "running"],
    ],
  );
  t.equal(compactRecords(records, 10).length, records.length);
});

t.test("only a device's last operation folds as open; a late end still counts (#17)", async (t) => {
  const views = foldJournal([begin("a1"), begin("b1", "0000:00:07.0"), begin("a2"), end("b1")]);
  t.same(
    views.map((v) => [v.header.id, v.status, v.endedAt]),
    [
      ["a1", "superseded", null],
      ["b1", "committed", "2026-01-01T00:00:01.000Z"],
      ["a2", "running", null],
    ],
  );
  t.match(views[0]!.error, { code: "ABORTED", message: /superseded by a2/ });
  t.same(
    unfinished(views).map((v) => v.header.id),
    ["a2"],
  );
  const late = foldJournal([begin("a1"), begin("a2"), end("a1")]);
  t.equal(late[0]!.status, "committed", "the end record, written late, is the truth");
});

t.test("records that contradict earlier ones are reported and skipped (#17)", async (t) => {
  const stuck = (id: string): JournalRecord => ({
    v: 1,
    type: "stuck",
    at: "2026-01-01T00:00:02.000Z",
    id,
    observed: null,
    error: { code: "DEADLINE_EXCEEDED", message: "late" },
  });
  const text = [begin("a1"), end("a1"), stuck("a1"), end("a1"), begin("a1")]
    .map(encodeRecord)
    .join("");
  const out = decodeJournal(text);
  t.equal(out.records.length, 2);
  t.same(
    out.problems.map((p) => [p.line, p.detail]),
    [
      [3, "stuck record after the end of operation a1"],
      [4, "end record after the end of operation a1"],
      [5, "begin record repeats operation a1"],
    ],
  );
});

t.test("a begin record keeps the overridden guards; a malformed list is refused", async (t) => {
  const forced: JournalRecord = {
    v: 1,
    type: "begin",
    at: "2026-01-01T00:00:00.000Z",
    op: { ...header("f1"), force: true, overriddenGuards: ["default-route", "a-newer-guard"] },
  };
  const broken = { ...begin("f2"), op: { ...header("f2"), overriddenGuards: [42] } };
  const out = decodeJournal(
    encodeRecord(forced) + encodeRecord(broken as unknown as JournalRecord),
  );
  t.same(
    out.records.map((r) => (r.type === "begin" ? r.op.overriddenGuards : null)),
    [["default-route", "a-newer-guard"]],
    "any name is kept: a guard a newer agent added must not drop the operation",
  );
  t.match(out.problems, [{ line: 2, detail: /overriddenGuards/ }]);
});
