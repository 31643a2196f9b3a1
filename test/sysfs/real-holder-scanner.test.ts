import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
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
