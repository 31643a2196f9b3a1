/**
 * `serve --simulate --fresh` forgets a kept simulated host, and refuses to
 * delete a directory that holds no simulated host.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { cli } from "./daemon-support.js";

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "eafresh-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test("--fresh refuses a state directory without a simulated host", async (t) => {
  const dir = tempDir(t);
  const state = join(dir, "state");
  mkdirSync(state);
  writeFileSync(join(state, "precious"), "keep me");
  const run = await cli([
    "serve",
    "--simulate",
    "--fresh",
    "--socket",
    join(dir, "s.sock"),
    "--state-dir",
    state,
  ]);
  t.equal(run.code, 2);
  t.match(run.stderr, /holds no simulated host/);
});

t.test("--fresh needs --simulate", async (t) => {
  const run = await cli(["serve", "--fresh"]);
  t.equal(run.code, 2);
  t.match(run.stderr, /--fresh goes with --simulate/);
});
