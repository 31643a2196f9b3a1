/**
 * What the daemon costs when nobody calls it: resident memory and CPU of
 * `eni-agent serve --simulate` with the default configuration and intervals
 * over a 60 s window, read from /proc once the start has settled. Targets
 * apply to that daemon.
 *
 * Two more daemons run in the same window to show where the idle CPU goes:
 * one with IMDS off (no identity refresh, no termination watcher polls), one
 * with IMDS off and the device watcher and reconciler slowed to once an hour
 * (what remains: the health job every second, timers, garbage collection).
 * Before the daemons start, bare node processes import each npm package the
 * daemon loads at start, to show what each costs in resident memory.
 */
import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { type BenchTable, defineBench, type Measurement } from "../support/bench.js";
import { buildCli, type DaemonFixture, daemonFixture, ROOT } from "../support/daemon-process.js";
import {
  clockTicksPerSecond,
  cpuPercent,
  mib,
  type ProcSample,
  readProcSample,
} from "../support/proc-stats.js";

const SETTLE_MS = 5_000;
const WINDOW_MS = 60_000;
const SLICE_MS = 5_000;
const MAX_RSS_MIB = 70;
const MAX_CPU_PERCENT = 0.2;
const HOUR_MS = 3_600_000;
/** The npm packages the daemon's start imports (the agent chunk of dist/ imports them statically). */
const PACKAGES = [
  "@aws-sdk/client-ec2",
  "@grpc/grpc-js",
  "@grpc/proto-loader",
  "@grpc/reflection",
  "pino",
  "prom-client",
  "chokidar",
];

interface Variant {
  name: string;
  fixture: DaemonFixture;
}

const noBuild = () => {};
const variants: Variant[] = [
  { name: "default configuration", fixture: daemonFixture("idle") },
  {
    name: "imds.enabled false",
    fixture: daemonFixture("idle-no-imds", {
      prepare: noBuild,
      config: { imds: { enabled: false } },
    }),
  },
  {
    name: "imds.enabled false, device watch and reconcile hourly",
    fixture: daemonFixture("idle-quiet", {
      prepare: noBuild,
      config: {
        imds: { enabled: false },
        deviceWatch: { pollIntervalMs: HOUR_MS },
        reconcile: { intervalMs: HOUR_MS },
      },
    }),
  },
];

/** VmRSS of a bare node process after importing `packages` and two full GCs, in MiB. */
function importRss(packages: readonly string[]): number {
  const code =
    "for (const p of JSON.parse(process.argv[1])) await import(p);" +
    "gc(); gc(); process.stdout.write(String(process.memoryUsage().rss));";
  const result = spawnSync(
    process.execPath,
    ["--expose-gc", "--input-type=module", "-e", code, JSON.stringify(packages)],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`importing ${packages.join(", ")}: ${result.stderr}`);
  return Number(result.stdout) / 2 ** 20;
}

let imports: BenchTable | null = null;

interface Window {
  variant: Variant;
  started: ProcSample;
  slices: ProcSample[];
}

export default defineBench({
  title: "Daemon at idle: resident memory and CPU over 60 s",
  adapter:
    "built daemon (`eni-agent serve --simulate`, log level info to a file) in its own process, no client; three daemons measured in the same window",
  async setup() {
    const bare = importRss([]);
    const cost = (packages: readonly string[]) => (importRss(packages) - bare).toFixed(1);
    imports = {
      title: `Resident memory of the daemon's npm imports: a bare node process (${bare.toFixed(1)} MiB alone) importing them, then two full GCs`,
      columns: ["import", "MiB over node alone"],
      rows: [...PACKAGES.map((p) => [p, cost([p])]), ["all of them together", cost(PACKAGES)]],
    };
    buildCli();
    try {
      for (const v of variants) await v.fixture.setup();
    } catch (err) {
      // The harness runs no teardown after a failed setup: stop the daemons already started.
      for (const v of variants) await v.fixture.teardown().catch(() => {});
      throw err;
    }
  },
  async teardown() {
    for (const v of variants) await v.fixture.teardown();
  },
  async measure(): Promise<Measurement> {
    const ticks = clockTicksPerSecond();
    const windows: Window[] = variants.map((variant) => ({
      variant,
      started: readProcSample(variant.fixture.daemon.pid),
      slices: [],
    }));
    await sleep(SETTLE_MS);
    const read = () => {
      for (const w of windows) w.slices.push(readProcSample(w.variant.fixture.daemon.pid));
    };
    read();
    for (let elapsed = 0; elapsed < WINDOW_MS; elapsed += SLICE_MS) {
      await sleep(SLICE_MS);
      read();
    }
    const summary = windows.map((w) => {
      const first = w.slices[0]!;
      const last = w.slices.at(-1)!;
      return {
        name: w.variant.name,
        cpu: cpuPercent(first, last, ticks),
        rss: mib(last.rssKiB),
        // CPU % of one core × 10 = CPU ms per wall-clock second.
        perSecondMs: w.slices.slice(1).map((s, i) => cpuPercent(w.slices[i]!, s, ticks) * 10),
        row: [
          w.variant.name,
          (((last.cpuTicks - first.cpuTicks) / ticks) * 1000).toFixed(0),
          cpuPercent(first, last, ticks).toFixed(2),
          mib(w.started.rssKiB).toFixed(1),
          mib(first.rssKiB).toFixed(1),
          mib(last.rssKiB).toFixed(1),
          String(last.threads),
        ],
        seconds: (last.atMs - first.atMs) / 1000,
      };
    });
    const main = summary[0]!;
    return {
      cases: summary.map((s) => ({
        name: `${s.name}: CPU ms per wall-clock second, 5 s slices`,
        rawMs: s.perSecondMs,
      })),
      checked: [
        {
          case: "idle RSS",
          description: `VmRSS at the end of the window ≤ ${MAX_RSS_MIB} MiB (is ${main.rss.toFixed(1)} MiB)`,
          met: main.rss <= MAX_RSS_MIB,
        },
        {
          case: "idle CPU",
          description: `CPU over ${WINDOW_MS / 1000} s ≤ ${MAX_CPU_PERCENT} % of one core (is ${main.cpu.toFixed(2)} %)`,
          met: main.cpu <= MAX_CPU_PERCENT,
        },
      ],
      tables: [
        {
          title: `Daemons over the ${WINDOW_MS / 1000} s window`,
          columns: [
            "daemon",
            "CPU, ms",
            "CPU, % of one core",
            "VmRSS when first accepting, MiB",
            "VmRSS at window start, MiB",
            "VmRSS at window end, MiB",
            "threads",
          ],
          rows: summary.map((s) => s.row),
        },
        ...(imports === null ? [] : [imports]),
      ],
      notes: [
        `Window: ${main.seconds.toFixed(1)} s from ${SETTLE_MS / 1000} s after each socket accepted connections; CPU is utime+stime of all threads (clock ticks of 1/${ticks} s).`,
      ],
    };
  },
  notes: [
    "Idle work at the default intervals: the termination watcher polls IMDS for spot (every 1 s), Auto Scaling (1 s), rebalance (5 s) and scheduled events (15 s), about 2.3 requests a second through fetch, and the identity is refreshed every 60 s; with --simulate the fake IMDS that answers runs in the daemon's process, so the daemon pays both ends (on EC2 only the client's). The device watcher scans bus/pci/devices every 2 s, the reconciler passes every 5 s, the health job runs every second. Nothing is logged at idle at level info.",
    "Where the idle CPU goes: the first two daemons differ by the IMDS polls and the garbage they make; the last two by the device watcher and the reconciler; what the last one uses is mostly a major GC or two that return the start-up garbage (VmRSS falls by 40–70 MiB during the window), after which it sits at 0–2 ms per second. A CPU profile of the default daemon's idle window (node --cpu-prof, main thread, separate run) has about a third of the main thread's busy time in garbage collection, a quarter in the IMDS client and fetch (undici), under a tenth in the fake IMDS server and about a tenth in the device watcher's scans; about half of the process's CPU ticks are on V8's worker threads (GC helpers), not the main thread (/proc/<pid>/task/*/stat).",
    "Where the memory goes: node alone is about 41 MiB (most of it the node binary's shared pages). dist/'s agent chunk imports @aws-sdk/client-ec2 at start although the EC2 client is made only on first use (a termination plan, the leak sweeper, DeleteOnTermination at bind): the same daemon bundled with that package replaced by an empty module settled at 78–80 MiB where the real one was at 110–130 MiB (separate runs, 35 s after start). The packages' import costs overlap (they share dependencies such as protobufjs), hence a total below their sum.",
  ],
});
