/**
 * The state directory's lock names its owner by pid and start time (#17): in
 * a pid namespace the daemon is pid 1 again after a container restart, and
 * the pid alone would say the old daemon still holds the lock.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { lockStateDir } from "../../src/driver/state-lock.js";

/** A /proc with `/proc/<pid>/stat` for each process, started at the given tick. */
async function procRoot(t: Test, processes: Record<number, number>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "proc-"));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  for (const [pid, start] of Object.entries(processes)) {
    await mkdir(join(root, pid));
    // comm may hold spaces and parentheses: the parser must count from the last ")".
    const fields = ["S", "0", "1", "1", "0", "-1", "4194560", "0", "0", "0", "0", "1", "2"];
    const rest = [...fields, "0", "0", "20", "0", "1", "0", String(start), "12345", "67"];
    await writeFile(join(root, pid, "stat"), `${pid} (eni (agent) x) ${rest.join(" ")}\n`);
  }
  return root;
}

async function stateDir(t: Test, lock?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "state-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  if (lock !== undefined) await writeFile(join(dir, "lock"), lock);
  return dir;
}

t.test("a lock left by pid 1 of an earlier container is taken over (#17)", async (t) => {
  const proc = await procRoot(t, { 1: 5000 });
  const dir = await stateDir(t, "1 4000\n");
  const lock = await lockStateDir(dir, { pid: 1, procRoot: proc });
  t.equal(await readFile(join(dir, "lock"), "utf8"), "1 5000\n", "now ours: pid and start time");
  await lock.release();
});

t.test(
  "a lock in the pid-only format of older agents, naming our own pid, is stale (#17)",
  async (t) => {
    const proc = await procRoot(t, { 1: 5000 });
    const dir = await stateDir(t, "1\n");
    await (await lockStateDir(dir, { pid: 1, procRoot: proc })).release();
  },
);

t.test("a live holder is refused; a reused pid is not its holder (#17)", async (t) => {
  const proc = await procRoot(t, { 1: 5000, 77: 100 });
  const held = await stateDir(t, "77 100\n");
  await t.rejects(lockStateDir(held, { pid: 1, procRoot: proc }), {
    code: "ABORTED",
    message: `state directory ${held} is in use by process 77`,
  });
  const pidOnly = await stateDir(t, "77\n");
  await t.rejects(lockStateDir(pidOnly, { pid: 1, procRoot: proc }), { code: "ABORTED" });
  const reused = await stateDir(t, "77 99\n");
  await (await lockStateDir(reused, { pid: 1, procRoot: proc })).release();
  const gone = await stateDir(t, "78 100\n");
  await (await lockStateDir(gone, { pid: 1, procRoot: proc })).release();
});

t.test("one process does not take its own lock twice", async (t) => {
  const proc = await procRoot(t, { 1: 5000 });
  const dir = await stateDir(t);
  const first = await lockStateDir(dir, { pid: 1, procRoot: proc });
  await t.rejects(lockStateDir(dir, { pid: 1, procRoot: proc }), { code: "ABORTED" });
  await first.release();
  await (await lockStateDir(dir, { pid: 1, procRoot: proc })).release();
});

t.test("an unreadable /proc of the owner itself is a clear error", async (t) => {
  const proc = await procRoot(t, {});
  const dir = await stateDir(t);
  await t.rejects(lockStateDir(dir, { pid: 1, procRoot: proc }), {
    code: "FAILED_PRECONDITION",
    message: new RegExp(`cannot read ${proc}/1/stat`),
  });
});
