import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { checkTargets, summarize } from "../../bench/support/bench.js";
import {
  cpuMsBetween,
  cpuPercent,
  parseSchedstatRunNs,
  parseStatCpuTicks,
  parseStatus,
  readProcSample,
  unixSocketCount,
} from "../../bench/support/proc-stats.js";

t.test("VmRSS and Threads come from /proc/<pid>/status", async (t) => {
  const status = "Name:\tnode\nVmPeak:\t  200000 kB\nVmRSS:\t  126360 kB\nThreads:\t11\n";
  t.same(parseStatus(status), { rssKiB: 126360, threads: 11 });
  t.throws(() => parseStatus("Name:\tnode\n"), /no VmRSS/);
});

t.test("utime + stime are counted from the last parenthesis of /proc/<pid>/stat", async (t) => {
  // A command name with spaces and a ")" must not shift the fields.
  const fields = ["S", "1", "2", "3", "0", "-1", "4194304", "10", "0", "0", "0", "250", "40"];
  const stat = `4242 (node ) x) ${fields.join(" ")} 0 0 20 0 11 0 123 456\n`;
  t.equal(parseStatCpuTicks(stat), 290);
  t.throws(() => parseStatCpuTicks("4242 (node) S 1"), /unreadable/);
});

t.test("CPU % is ticks over wall time, of one core, without schedstat", async (t) => {
  const from = { rssKiB: 0, threads: 1, cpuTicks: 100, threadRunNs: null, atMs: 0 };
  const to = { rssKiB: 0, threads: 1, cpuTicks: 112, threadRunNs: null, atMs: 60_000 };
  // 12 ticks at 100 Hz = 120 ms of CPU in 60 s = 0.2 %.
  t.equal(Number(cpuPercent(from, to, 100).toFixed(3)), 0.2);
});

t.test("CPU time comes from schedstat when the same threads lived throughout", async (t) => {
  t.equal(parseSchedstatRunNs("56623417 1203944 100\n"), 56623417);
  t.throws(() => parseSchedstatRunNs("x"), /unreadable/);
  const sample = (ticks: number, runs: [string, number][], atMs: number) => ({
    rssKiB: 0,
    threads: runs.length,
    cpuTicks: ticks,
    threadRunNs: new Map(runs),
    atMs,
  });
  const from = sample(
    100,
    [
      ["10", 5e6],
      ["11", 1e6],
    ],
    0,
  );
  const to = sample(
    112,
    [
      ["10", 65e6],
      ["11", 1e6 + 4e6],
    ],
    60_000,
  );
  // Ticks say 120 ms; the threads ran 60 + 4 = 64 ms.
  t.same(cpuMsBetween(from, to, 100), { ms: 64, source: "schedstat" });
  t.equal(Number(cpuPercent(from, to, 100).toFixed(4)), 0.1067);

  const threadCame = sample(
    112,
    [
      ["10", 65e6],
      ["12", 1e6],
    ],
    60_000,
  );
  t.same(cpuMsBetween(from, threadCame, 100), { ms: 120, source: "clock ticks" });
});

const hasSchedstat = readProcSample(process.pid).threadRunNs !== null;

t.test(
  "this process's schedstat is read per thread",
  { skip: !hasSchedstat && "no schedstat on this kernel" },
  async (t) => {
    const sample = readProcSample(process.pid);
    t.equal(sample.threadRunNs?.size, sample.threads);
    t.ok((sample.threadRunNs?.get(String(process.pid)) ?? 0) > 0, "the main thread has run");
  },
);

t.test("only Unix sockets listed in net/unix are counted", async (t) => {
  const proc = mkdtempSync(join(tmpdir(), "proc-stats-"));
  t.teardown(() => rmSync(proc, { recursive: true, force: true }));
  mkdirSync(join(proc, "net"));
  writeFileSync(
    join(proc, "net/unix"),
    "Num       RefCount Protocol Flags    Type St Inode Path\n" +
      "0000000000000000: 00000002 00000000 00010000 0001 01 1001 /run/agent.sock\n" +
      "0000000000000000: 00000003 00000000 00000000 0001 03 1002 /run/agent.sock\n",
  );
  const fd = join(proc, "77/fd");
  mkdirSync(fd, { recursive: true });
  symlinkSync("socket:[1001]", join(fd, "3"));
  symlinkSync("socket:[1002]", join(fd, "4"));
  symlinkSync("socket:[2001]", join(fd, "5")); // a TCP socket: not in net/unix
  symlinkSync("pipe:[3001]", join(fd, "6"));
  t.equal(unixSocketCount(77, proc), 2);
});

t.test("a p99 target is met or missed on the 99th percentile", async (t) => {
  // Two slow calls in a hundred: the median is fast, the p99 is not.
  const samples = [...Array.from({ length: 98 }, () => 1), 50, 50];
  const results = checkTargets(
    [
      { case: "calls", maxMedianMs: 5 },
      { case: "calls", maxP99Ms: 5 },
      { case: "calls", maxP99Ms: 60 },
    ],
    [summarize("calls", samples)],
  );
  t.same(
    results.map((r) => r.met),
    [true, false, true],
  );
  t.equal(results[1]!.description, "p99 ≤ 5 ms (is 50.00 ms)");
});
