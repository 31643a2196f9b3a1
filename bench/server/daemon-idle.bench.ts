/**
 * What the daemon costs when nobody calls it: resident memory and CPU of
 * `eni-agent serve --simulate` (default configuration and intervals) over a
 * 60 s window, read from /proc after the start has settled. The table's one
 * case is the CPU the daemon used per wall-clock second in each 5 s slice
 * of the window, so that a periodic cost shows as spread.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { defineBench, type Measurement } from "../support/bench.js";
import { daemonFixture } from "../support/daemon-process.js";
import {
  clockTicksPerSecond,
  cpuPercent,
  mib,
  type ProcSample,
  readProcSample,
  unixSocketCount,
} from "../support/proc-stats.js";

const SETTLE_MS = 5_000;
const WINDOW_MS = 60_000;
const SLICE_MS = 5_000;
const MAX_RSS_MIB = 70;
const MAX_CPU_PERCENT = 0.2;
const CASE = "daemon CPU per wall-clock second, 5 s slices (values are CPU ms per s)";

const fixture = daemonFixture("idle");

export default defineBench({
  title: "Daemon at idle: resident memory and CPU over 60 s",
  adapter:
    "built daemon (`eni-agent serve --simulate`, default configuration and intervals, log level info to a file) in its own process; no client",
  setup: fixture.setup,
  teardown: fixture.teardown,
  async measure(): Promise<Measurement> {
    const { pid } = fixture.daemon;
    const ticks = clockTicksPerSecond();
    const started = readProcSample(pid);
    await sleep(SETTLE_MS);
    const slices: ProcSample[] = [readProcSample(pid)];
    while (slices.length <= WINDOW_MS / SLICE_MS) {
      await sleep(SLICE_MS);
      slices.push(readProcSample(pid));
    }
    const first = slices[0]!;
    const last = slices.at(-1)!;
    const cpu = cpuPercent(first, last, ticks);
    const rss = mib(last.rssKiB);
    const peak = mib(Math.max(...slices.map((s) => s.rssKiB)));
    // CPU % of one core × 10 = CPU ms per wall-clock second.
    const perSecondMs = slices.slice(1).map((s, i) => cpuPercent(slices[i]!, s, ticks) * 10);
    const cpuMs = ((last.cpuTicks - first.cpuTicks) / ticks) * 1000;
    return {
      cases: [{ name: CASE, rawMs: perSecondMs }],
      checked: [
        {
          case: "idle RSS",
          description: `VmRSS at the end of the window ≤ ${MAX_RSS_MIB} MiB (is ${rss.toFixed(1)} MiB)`,
          met: rss <= MAX_RSS_MIB,
        },
        {
          case: "idle CPU",
          description: `CPU over ${WINDOW_MS / 1000} s ≤ ${MAX_CPU_PERCENT} % of one core (is ${cpu.toFixed(2)} %)`,
          met: cpu <= MAX_CPU_PERCENT,
        },
      ],
      notes: [
        `Window: ${((last.atMs - first.atMs) / 1000).toFixed(1)} s from ${SETTLE_MS / 1000} s after the socket accepted connections; utime+stime ${cpuMs.toFixed(0)} ms (clock ticks of 1/${ticks} s) = ${cpu.toFixed(2)} % of one core.`,
        `VmRSS: ${mib(started.rssKiB).toFixed(1)} MiB when the socket first accepted, ${mib(first.rssKiB).toFixed(1)} MiB at the window's start, ${rss.toFixed(1)} MiB at its end, ${peak.toFixed(1)} MiB at most; ${last.threads} threads; ${unixSocketCount(pid)} Unix socket(s) held.`,
      ],
    };
  },
});
