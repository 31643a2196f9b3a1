/**
 * What another process costs, read from procfs the way `ps` and `top` do:
 * resident memory from /proc/<pid>/status, CPU time from each thread's
 * schedstat (or /proc/<pid>/stat), open sockets from /proc/<pid>/fd.
 * Benchmarks of the daemon read these from outside, so that measuring
 * changes nothing inside it.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

export interface ProcSample {
  /** VmRSS: resident set size. */
  rssKiB: number;
  /** utime + stime of every thread, live and exited, in clock ticks. */
  cpuTicks: number;
  /**
   * Time on a CPU of each live thread by thread id, in nanoseconds, from
   * /proc/<pid>/task/<tid>/schedstat; null where the kernel has no schedstat.
   * Exact, where clock ticks charge a whole tick to whichever thread runs
   * when it falls: a daemon that wakes for a few microseconds on timers can
   * be over- or under-charged by several ticks a minute.
   */
  threadRunNs: Map<string, number> | null;
  threads: number;
  /** process.hrtime of the reading, in milliseconds. */
  atMs: number;
}

/** VmRSS and Threads from the text of /proc/<pid>/status. */
export function parseStatus(text: string): { rssKiB: number; threads: number } {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text);
    if (match === null) throw new Error(`no ${name} in /proc/<pid>/status`);
    return Number(match[1]);
  };
  return { rssKiB: field("VmRSS"), threads: field("Threads") };
}

/**
 * utime + stime (fields 14 and 15) from the text of /proc/<pid>/stat. The
 * command name (field 2) may hold spaces and parentheses, so fields are
 * counted from the last ")".
 */
export function parseStatCpuTicks(text: string): number {
  const rest = text
    .slice(text.lastIndexOf(")") + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state): field n is rest[n - 3].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`unreadable /proc/<pid>/stat: ${text.slice(0, 80)}`);
  }
  return utime + stime;
}

export function readProcSample(pid: number, procRoot = "/proc"): ProcSample {
  const dir = join(procRoot, String(pid));
  const status = parseStatus(readFileSync(join(dir, "status"), "utf8"));
  return {
    ...status,
    cpuTicks: parseStatCpuTicks(readFileSync(join(dir, "stat"), "utf8")),
    threadRunNs: readThreadRunNs(dir),
    atMs: Number(process.hrtime.bigint()) / 1e6,
  };
}

/** The first field of /proc/<pid>/task/<tid>/schedstat: time on a CPU, in ns. */
export function parseSchedstatRunNs(text: string): number {
  const value = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(value)) throw new Error(`unreadable schedstat: ${text.slice(0, 80)}`);
  return value;
}

function readThreadRunNs(processDir: string): Map<string, number> | null {
  const runNs = new Map<string, number>();
  try {
    for (const tid of readdirSync(join(processDir, "task"))) {
      runNs.set(
        tid,
        parseSchedstatRunNs(readFileSync(join(processDir, "task", tid, "schedstat"), "utf8")),
      );
    }
  } catch {
    // No schedstat, or a thread that ended between the listing and the read.
    return null;
  }
  return runNs;
}

/**
 * Unix-domain sockets `pid` holds (its listeners and the connections they
 * accepted), matched by inode against /proc/net/unix: TCP sockets (the
 * simulated host's IMDS and EC2 traffic) come and go and are not counted.
 */
export function unixSocketCount(pid: number, procRoot = "/proc"): number {
  const unix = new Set(
    readFileSync(join(procRoot, "net/unix"), "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[6])
      .filter((inode): inode is string => inode !== undefined),
  );
  const dir = join(procRoot, String(pid), "fd");
  let count = 0;
  for (const fd of readdirSync(dir)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(join(dir, fd)))?.[1];
      if (inode !== undefined && unix.has(inode)) count++;
    } catch {
      // The descriptor closed between the listing and the readlink.
    }
  }
  return count;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux unless getconf says otherwise). */
export function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

/**
 * CPU used between two samples, in ms: from the threads' schedstat when the
 * same threads were alive at both (a thread that ended takes its time with
 * it), otherwise from clock ticks.
 */
export function cpuMsBetween(
  from: ProcSample,
  to: ProcSample,
  ticksPerSecond: number,
): { ms: number; source: "schedstat" | "clock ticks" } {
  const a = from.threadRunNs;
  const b = to.threadRunNs;
  if (a !== null && b !== null && a.size === b.size && [...b.keys()].every((tid) => a.has(tid))) {
    let ns = 0;
    for (const [tid, run] of b) ns += run - (a.get(tid) ?? 0);
    return { ms: ns / 1e6, source: "schedstat" };
  }
  return { ms: ((to.cpuTicks - from.cpuTicks) / ticksPerSecond) * 1000, source: "clock ticks" };
}

/** CPU used between two samples, as a percentage of one core (see cpuMsBetween). */
export function cpuPercent(from: ProcSample, to: ProcSample, ticksPerSecond: number): number {
  return (cpuMsBetween(from, to, ticksPerSecond).ms / (to.atMs - from.atMs)) * 100;
}

export const mib = (kib: number): number => kib / 1024;

/** Polls until `pid` holds at most `count` Unix sockets (closed clients take a moment to go). */
export async function settleUnixSockets(pid: number, count: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let now = unixSocketCount(pid);
  while (now > count) {
    if (Date.now() > deadline) {
      throw new Error(`process ${pid} still holds ${now} Unix sockets (expected ≤ ${count})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    now = unixSocketCount(pid);
  }
  return now;
}
