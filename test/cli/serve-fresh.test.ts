/**
 * `serve --simulate --fresh` forgets a kept simulated host, and refuses to
 * delete a directory that holds no simulated host.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

t.test("an unreadable kept host is an error naming the file and --fresh (#17)", async (t) => {
  for (const [what, text] of [
    ["not JSON", "{half a kernel"],
    ["not a kernel", '{"format":1}'],
    ["another format", '{"format":7}'],
  ] as const) {
    const dir = tempDir(t);
    const state = join(dir, "state");
    mkdirSync(state);
    writeFileSync(join(state, "sim-kernel.json"), text);
    const run = await cli([
      "serve",
      "--simulate",
      "--socket",
      join(dir, "s.sock"),
      "--state-dir",
      state,
    ]);
    t.not(run.code, 0, what);
    t.match(run.stderr, `${join(state, "sim-kernel.json")}`, `${what}: names the file`);
    t.match(run.stderr, /--fresh/, `${what}: names the remedy`);
    t.equal(readFileSync(join(state, "sim-kernel.json"), "utf8"), text, `${what}: left as it was`);
  }
});
