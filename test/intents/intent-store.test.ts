/**
 * The intents file: what is saved comes back, a journaled delete included,
 * and a file whose records do not pass the request parsers is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { type DriverName, parseEniId, parseMac } from "../../src/common/index.js";
import { FileIntentStore, INTENTS_FILE, type IntentState } from "../../src/intents/intent-store.js";

function stateDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), "eaintents-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test("saved intents and tombstones come back, with a pending delete", async (t) => {
  const store = new FileIntentStore({ stateDir: stateDir(t) });
  const state: IntentState = {
    intents: [
      {
        eniId: parseEniId("eni-0000000000000000a"),
        mac: parseMac("02:00:00:00:00:0a"),
        driver: "vfio-pci" as DriverName,
        owner: "nodeeni/a",
        generation: 3,
        requestId: "put-3",
        releasing: false,
      },
    ],
    released: [
      { eniId: parseEniId("eni-0000000000000000b"), owner: "nodeeni/b", generation: 1, mac: null },
      {
        eniId: parseEniId("eni-0000000000000000c"),
        owner: "nodeeni/c",
        generation: 2,
        mac: parseMac("02:00:00:00:00:0c"),
        deleting: true,
      },
    ],
  };
  await store.save(state);
  t.same(await store.load(), state);
});

t.test("a record that would not pass as a request is refused", async (t) => {
  const dir = stateDir(t);
  writeFileSync(
    join(dir, INTENTS_FILE),
    JSON.stringify({
      version: 1,
      intents: [],
      released: [{ eniId: "../../etc", owner: "x", generation: 1, mac: null }],
    }),
  );
  await t.rejects(new FileIntentStore({ stateDir: dir }).load(), {
    code: "FAILED_PRECONDITION",
    message: /is damaged/,
  });
});
