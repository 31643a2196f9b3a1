import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { atomicWriteFile, atomicWriteFileSync } from "../../src/common/index.js";

const writers = {
  atomicWriteFile,
  atomicWriteFileSync: async (dir: string, name: string, text: string) =>
    atomicWriteFileSync(dir, name, text),
};

for (const [name, write] of Object.entries(writers)) {
  t.test(`${name} replaces the file whole, mode 0600, leaving no temp file`, async (t) => {
    const dir = t.testdir({ "state.json": "old" });
    await write(dir, "state.json", "new text");
    t.equal(readFileSync(join(dir, "state.json"), "utf8"), "new text");
    t.equal(statSync(join(dir, "state.json")).mode & 0o777, 0o600);
    await Promise.all([write(dir, "state.json", "a"), write(dir, "state.json", "b")]);
    t.match(readFileSync(join(dir, "state.json"), "utf8"), /^(a|b)$/, "one whole version wins");
    t.same(readdirSync(dir), ["state.json"]);
  });

  t.test(`${name} fails with a typed error naming the file, and cleans up`, async (t) => {
    const dir = t.testdir({ "taken.json": { "a-directory": "" } });
    await t.rejects(write(dir, "taken.json", "x"), {
      code: "UNAVAILABLE",
      syscall: "replace",
      path: join(dir, "taken.json"),
    });
    t.same(readdirSync(dir), ["taken.json"], "the temp file is gone");
  });
}
