import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { RealHolderScanner } from "../../src/sysfs/real-holder-scanner.js";
import { fixtureHost } from "./fixtures.js";

const { proc } = fixtureHost("ec2-mixed");

t.test("finds every process holding the nodes, once per process and node", async (t) => {
  const scanner = new RealHolderScanner({ procRoot: proc });
  const holders = await scanner.holders(["/dev/vfio/noiommu-0", "/dev/uio0"]);
  t.same(holders, [
    { pid: 100, command: "dpdk-testpmd", node: "/dev/uio0" },
    { pid: 100, command: "dpdk-testpmd", node: "/dev/vfio/noiommu-0" },
    // No comm: argv[0] from cmdline. Its "(deleted)" descriptor does not count twice.
    { pid: 200, command: "/opt/app/poller", node: "/dev/uio0" },
  ]);
});

t.test("a node nobody holds has no holders; no nodes means no scan", async (t) => {
  const scanner = new RealHolderScanner({ procRoot: proc });
  t.same(await scanner.holders(["/dev/vfio/3"]), []);
  t.same(await new RealHolderScanner({ procRoot: "/nonexistent" }).holders([]), []);
});

t.test("a deleted node's descriptor does not match the live node", async (t) => {
  const holders = await new RealHolderScanner({ procRoot: proc }).holders(["/dev/uio0 (deleted)"]);
  t.same(
    holders.map((h) => h.pid),
    [200],
    "only an exact match",
  );
});

t.test("a missing proc root is an error, not an empty answer", async (t) => {
  await t.rejects(new RealHolderScanner({ procRoot: "/nonexistent-proc" }).holders(["/dev/uio0"]), {
    code: "NOT_FOUND",
    errno: "ENOENT",
  });
});

t.test("on the real /proc, finds this very process holding a file it opened", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "eni-agent-holder-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "node");
  const handle = await open(path, "w");
  t.teardown(() => handle.close());
  const holders = await new RealHolderScanner().holders([path]);
  t.match(holders, [{ pid: process.pid, node: path, command: String }]);
  t.equal(holders.length, 1);
});

/** `count` processes (pids 1..count), one descriptor each; `held` maps pid → node. */
async function syntheticProc(
  t: Test,
  count: number,
  held: Record<number, string>,
): Promise<string> {
  // tmpfs when there is one: 20,000 directories on a disk take a minute to create and remove.
  const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const root = await mkdtemp(join(base, "eni-agent-proc-"));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (let pid = 1; pid <= count; pid += 1) {
    mkdirSync(join(root, String(pid), "fd"), { recursive: true });
    symlinkSync(held[pid] ?? `socket:[${1000 + pid}]`, join(root, String(pid), "fd", "3"));
  }
  for (const pid of Object.keys(held)) writeFileSync(join(root, pid, "comm"), `holder-${pid}\n`);
  return root;
}

t.test(
  "a holder among 20,000 processes is found first and last in scan order (issue 18)",
  async (t) => {
    const proc = await syntheticProc(t, 20_000, { 1: "/dev/vfio/12", 20000: "/dev/uio3" });
    const scanner = new RealHolderScanner({ procRoot: proc });
    const first = await scanner.scan(["/dev/vfio/12"], { firstOnly: true });
    t.match(first, { status: "held", holders: [{ pid: 1, command: "holder-1" }], read: 1 });
    const last = await scanner.scan(["/dev/uio3"], { firstOnly: true });
    t.match(last, { status: "held", holders: [{ pid: 20_000 }], read: 20_000, listed: 20_000 });
    t.same(
      (await scanner.holders(["/dev/uio3", "/dev/vfio/12"])).map((h) => [h.pid, h.node]),
      [
        [1, "/dev/vfio/12"],
        [20_000, "/dev/uio3"],
      ],
      "a full scan finds both, in pid order (numeric, not the directory's text order)",
    );
  },
);

t.test("past its deadline a scan answers unproven, with how far it got", async (t) => {
  const proc = await syntheticProc(t, 500, { 500: "/dev/vfio/3" });
  // Every look at the clock moves it 1 ms on: the scan runs out of time
  // after a known amount of reading, whatever the machine's speed.
  let clock = 0;
  const scanner = new RealHolderScanner({ procRoot: proc, now: () => (clock += 1), sliceMs: 4 });
  const found = await scanner.scan(["/dev/vfio/3"], { timeoutMs: 20 });
  t.equal(found.status, "unproven");
  if (found.status !== "unproven") return;
  t.ok(found.read > 0 && found.read < 500, `read ${found.read} of 500 processes`);
  t.equal(found.listed, 500);
  t.ok(found.elapsedMs >= 20, "reports the time it took");
  const early = await scanner.scan(["/dev/vfio/3"], { timeoutMs: 1_000_000 });
  t.match(early, { status: "held", holders: [{ pid: 500 }] }, "a generous deadline finds it");
  t.match(await scanner.scan(["/dev/vfio/3"], { timeoutMs: 0 }), { status: "unproven", read: 0 });
  t.same(
    await scanner.scan(["/dev/vfio/4"], { timeoutMs: 1_000_000 }),
    { status: "free", read: 500, listed: 500 },
    "free only once every process was read",
  );
});

t.test("a scan that joins a running walk still reads every process", async (t) => {
  const proc = await syntheticProc(t, 300, { 5: "/dev/vfio/5" });
  const scanner = new RealHolderScanner({ procRoot: proc, sliceMs: 0 });
  const running = scanner.scan(["/dev/vfio/nobody"]);
  // Let the walk pass pid 5 (each slice reads at least 32 links), then add a
  // process and ask about pid 5's node and the new process's.
  for (let i = 0; i < 4; i += 1) await new Promise((resolve) => setImmediate(resolve));
  mkdirSync(join(proc, "301", "fd"), { recursive: true });
  symlinkSync("/dev/uio9", join(proc, "301", "fd", "4"));
  const joined = await scanner.scan(["/dev/vfio/5", "/dev/uio9"]);
  t.match(joined, { status: "held", read: 301, listed: 301 });
  if (joined.status === "held") {
    t.same(
      joined.holders.map((h) => [h.pid, h.node]),
      [
        [5, "/dev/vfio/5"],
        [301, "/dev/uio9"],
      ],
      "found the holder the walk had passed before the request, and the newer process",
    );
  }
  // It reads the newer process too: the walk appended it before coming round.
  t.match(await running, { status: "free", read: 301 }, "the first request is answered too");
});
