/**
 * ListDevices latency and throughput at 1, 10 and 100 concurrent clients,
 * against the daemon as operators run it (`eni-agent serve --simulate`, a
 * process of its own), each client with a connection of its own. Clients
 * run closed-loop: each sends its next call as soon as the previous one
 * answers, for a fixed window; every call's latency is a sample.
 *
 * Two kinds of client: eni-agent's own (grpc-js, decoding every answer),
 * and a lean HTTP/2 caller (bench/support/lean-grpc.ts) whose small cost
 * per call leaves the machine's second vCPU to the daemon, so that its
 * latencies are the daemon's rather than the load generator's.
 *
 * A second daemon runs under node --jitless (what the MemoryDenyWriteExecute
 * drop-in in systemd/ sets) for the lean caller's paced cases and one
 * closed-loop client: the CPU a call costs without the JIT.
 */
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { clientsOnOwnConnections } from "../support/agent-clients.js";
import { defineBench, type Measurement, quantile } from "../support/bench.js";
import { type DaemonProcess, daemonFixture } from "../support/daemon-process.js";
import { leanCaller } from "../support/lean-grpc.js";
import { overlapsStall, watchLoopStalls } from "../support/loop-stalls.js";
import {
  clockTicksPerSecond,
  cpuPercent,
  readProcSample,
  settleUnixSockets,
  unixSocketCount,
} from "../support/proc-stats.js";

/** Closed loop: each client calls again as soon as it has its answer. */
const CLOSED = [1, 10, 100] as const;
/** Paced: 100 clients, each calling at a fixed rate (calls per second per client). */
const PACED = [10, 1] as const;
const PACED_CLIENTS = 100;
const WARMUP_MS = 1_000;
const WINDOW_MS = 8_000;
/**
 * Paced clients call less often, so they get a longer window: at 1 call/s an
 * 8 s window holds 800 calls and its p99 is the 8th slowest, which one pause
 * of the machine decides.
 */
const PACED_WINDOW_MS = 30_000;
/** A gap over this between the bench process's 1 ms ticks is a pause of the load generator. */
const STALL_MS = 2;

const TICKS_PER_SECOND = clockTicksPerSecond();
const fixture = daemonFixture("list-load");
const jitlessFixture = daemonFixture("list-load-jitless", {
  prepare: () => {},
  env: { NODE_OPTIONS: "--jitless" },
});
const JITLESS = "jitless daemon";
/** Each level links its clients in a directory of its own (a plain name: it ends up in a gRPC target). */
let linkDirs = 0;

const LIST_DEVICES = "/eniagent.v1.EniAgentService/ListDevices";

/** One client: a call that resolves once answered (with a size: devices or bytes), and how to let it go. */
interface Caller {
  call(): Promise<number>;
  close(): void;
}

interface ClientKind {
  label: string;
  open(socketPath: string, count: number, linkDir: string): Caller[];
}

const AGENT_CLIENT: ClientKind = {
  label: "eni-agent client",
  open: (socketPath, count, linkDir) =>
    clientsOnOwnConnections(socketPath, count, linkDir).map((client) => ({
      call: async () => (await client.listDevices()).length,
      close: () => client.close(),
    })),
};

const LEAN_CLIENT: ClientKind = {
  label: "lean HTTP/2 caller",
  open: (socketPath, count) =>
    Array.from({ length: count }, () => {
      // An empty ListDevicesRequest: no fields set.
      const caller = leanCaller(socketPath, LIST_DEVICES, new Uint8Array(0));
      return { call: () => caller.call(), close: () => caller.close() };
    }),
};

/** What a case's name says in parentheses: how it calls, with what, against which daemon if not the default one. */
const how = (mode: string, kind: ClientKind, daemon: string) =>
  [mode, kind.label, daemon].filter((part) => part !== "").join(", ");
const closedName = (kind: ClientKind, clients: number, daemon = "") =>
  `ListDevices, ${clients} client${clients === 1 ? "" : "s"} (${how("closed loop", kind, daemon)})`;
const pacedName = (kind: ClientKind, rate: number, daemon = "") =>
  `ListDevices, ${PACED_CLIENTS} clients × ${rate} call${rate === 1 ? "" : "s"}/s (${how("paced", kind, daemon)})`;

interface Level {
  name: string;
  clients: number;
  rawMs: number[];
  /** Calls that overlapped a pause of the bench process's own event loop, and the p99 of the others. */
  stalledCalls: number;
  p99OthersMs: number;
  callsPerSecond: number;
  /** The daemon's CPU over the window: % of one core, and per call answered. */
  daemonCpuPercent: number;
  daemonCpuUsPerCall: number;
  /** Paced calls sent more than one period after their slot (the client fell behind). */
  late: number;
}

/** Each call's start (performance.now()) and latency, in ms, in parallel arrays. */
interface Calls {
  startMs: number[];
  rawMs: number[];
}

type Load = (clients: readonly Caller[], untilMs: number) => Promise<Calls>;

/** Every client calls back-to-back until `untilMs`. */
function closedLoop(clients: readonly Caller[], untilMs: number): Promise<Calls> {
  const calls: Calls = { startMs: [], rawMs: [] };
  return Promise.all(
    clients.map(async (client) => {
      while (performance.now() < untilMs) {
        const start = performance.now();
        await client.call();
        calls.startMs.push(start);
        calls.rawMs.push(performance.now() - start);
      }
    }),
  ).then(() => calls);
}

/**
 * Every client calls once per `periodMs`, its slots offset at random so the
 * clients do not call in step. `late` counts calls sent over a period after
 * their slot: none means the latencies are not hiding a queue in the client.
 */
function paced(periodMs: number, late: { count: number }): Load {
  return (clients, untilMs) => {
    const calls: Calls = { startMs: [], rawMs: [] };
    return Promise.all(
      clients.map(async (client) => {
        let slot = performance.now() + Math.random() * periodMs;
        while (slot < untilMs) {
          const wait = slot - performance.now();
          if (wait > 0) await sleep(wait);
          const start = performance.now();
          if (start - slot > periodMs) late.count++;
          await client.call();
          calls.startMs.push(start);
          calls.rawMs.push(performance.now() - start);
          slot += periodMs;
        }
      }),
    ).then(() => calls);
  };
}

async function measureLevel(
  running: DaemonProcess,
  kind: ClientKind,
  name: string,
  count: number,
  load: Load,
  windowMs: number,
): Promise<Omit<Level, "late">> {
  // The listener alone: the previous level's connections are gone.
  const socketsBefore = await settleUnixSockets(running.pid, 1);
  const clients = kind.open(running.socketPath, count, join(fixture.dir, `links-${++linkDirs}`));
  try {
    // Each kind checks its answers: the agent client decodes them, the lean one checks the status.
    const sizes = await Promise.all(clients.map((c) => c.call()));
    if (sizes.some((size) => size === 0)) throw new Error("ListDevices listed nothing");
    const opened = unixSocketCount(running.pid) - socketsBefore;
    if (opened < count) {
      throw new Error(`${count} clients opened ${opened} connections: they share connections`);
    }
    await load(clients, performance.now() + WARMUP_MS);
    const before = readProcSample(running.pid);
    const stallWatch = watchLoopStalls(STALL_MS);
    const start = performance.now();
    const { startMs, rawMs } = await load(clients, start + windowMs);
    const elapsedMs = performance.now() - start;
    const stalls = stallWatch.stop();
    const after = readProcSample(running.pid);
    const cpu = cpuPercent(before, after, TICKS_PER_SECOND);
    const others = rawMs.filter((ms, i) => !overlapsStall(startMs[i]!, startMs[i]! + ms, stalls));
    return {
      name,
      clients: count,
      rawMs,
      stalledCalls: rawMs.length - others.length,
      p99OthersMs: quantile(
        others.sort((a, b) => a - b),
        0.99,
      ),
      callsPerSecond: (rawMs.length / elapsedMs) * 1000,
      daemonCpuPercent: cpu,
      daemonCpuUsPerCall: ((cpu / 100) * elapsedMs * 1000) / rawMs.length,
    };
  } finally {
    for (const client of clients) client.close();
  }
}

export default defineBench({
  title: "Daemon under load: ListDevices from 1, 10 and 100 concurrent clients",
  adapter:
    "built daemon (`eni-agent serve --simulate`, default configuration) in its own process; clients in the bench process, one Unix-socket connection each",
  setup: fixture.setup,
  teardown: fixture.teardown,
  async measure(): Promise<Measurement> {
    const levels: (Level & { closed: boolean })[] = [];
    const run = async (
      running: DaemonProcess,
      kind: ClientKind,
      closed: readonly number[],
      daemon = "",
    ) => {
      for (const clients of closed) {
        const name = closedName(kind, clients, daemon);
        const level = await measureLevel(running, kind, name, clients, closedLoop, WINDOW_MS);
        levels.push({ ...level, late: 0, closed: true });
      }
      for (const rate of PACED) {
        const late = { count: 0 };
        const load = paced(1000 / rate, late);
        const name = pacedName(kind, rate, daemon);
        const level = await measureLevel(running, kind, name, PACED_CLIENTS, load, PACED_WINDOW_MS);
        levels.push({ ...level, late: late.count, closed: false });
      }
    };
    for (const kind of [AGENT_CLIENT, LEAN_CLIENT]) await run(fixture.daemon, kind, CLOSED);
    // Started only for its own cases, so that it does not share the machine with the others.
    await jitlessFixture.setup();
    try {
      await run(jitlessFixture.daemon, LEAN_CLIENT, [1], JITLESS);
    } finally {
      await jitlessFixture.teardown();
    }
    const median = (l: Level) =>
      quantile(
        [...l.rawMs].sort((a, b) => a - b),
        0.5,
      );
    return {
      cases: levels.map((l) => ({ name: l.name, rawMs: l.rawMs })),
      tables: [
        {
          title: `Throughput and the daemon's CPU, a window of ${WINDOW_MS / 1000} s (closed loop) or ${PACED_WINDOW_MS / 1000} s (paced) after ${WARMUP_MS / 1000} s of warm-up`,
          columns: [
            "case",
            "calls/s",
            "daemon CPU, % of a core",
            "daemon CPU per call, µs",
            "clients ÷ throughput, ms",
            "median, ms",
            "paced calls late",
            "calls overlapping a generator pause, %",
            "p99 of the other calls, ms",
          ],
          rows: levels.map((l) => {
            const isClosed = l.closed;
            return [
              l.name,
              l.callsPerSecond.toFixed(0),
              l.daemonCpuPercent.toFixed(0),
              l.daemonCpuUsPerCall.toFixed(0),
              isClosed ? ((l.clients / l.callsPerSecond) * 1000).toFixed(2) : "",
              median(l).toFixed(2),
              isClosed ? "" : String(l.late),
              ((l.stalledCalls / l.rawMs.length) * 100).toFixed(1),
              Number.isNaN(l.p99OthersMs) ? "-" : l.p99OthersMs.toFixed(2),
            ];
          }),
        },
      ],
    };
  },
  targets: [AGENT_CLIENT, LEAN_CLIENT].flatMap((kind) => [
    { case: closedName(kind, 100), maxP99Ms: 5 },
    ...PACED.map((rate) => ({ case: pacedName(kind, rate), maxP99Ms: 5 })),
  ]),
  notes: [
    "How the daemon answers: from its kept device view (src/agent/device-view.ts), rebuilt after any change the agent makes or sees and at most one device poll interval (2 s) old otherwise; the edge encodes a kept listing once. A call costs the daemon the gRPC transport and a lookup: see the CPU per call in the throughput table (it was 300–550 µs when every call scanned sysfs and re-read desired.json).",
    "Closed loop with 100 clients: every client always has a call outstanding, so by Little's law the mean latency is 100 ÷ throughput, and p99 ≤ 5 ms needs well over 20,000 calls/s with room to spare for the tail. On this machine's two vCPUs the daemon and the load generator share the CPU: with the lean caller the daemon answered 15,000–20,000 calls/s (runs differ) at 40–45 µs of CPU each, the median at 100 clients was about 4 ms, but both vCPUs were saturated (daemon and generator), and the p99 is scheduling and garbage-collection pauses. eni-agent's own client costs its process more per call than the daemon does, so with it the generator sets the pace. The closed-loop 100-client target is beyond what one 2-vCPU machine can show with the clients on it; the paced cases (100 connected clients calling at a steady rate, as controllers poll) measure the daemon's latency under that many clients.",
    "Two client kinds: eni-agent's own client (grpc-js, decoding every answer), and a lean HTTP/2 caller that sends a pre-encoded request and checks only the status, so that less of the machine goes to generating load.",
    "On EC2 a scan reads the real sysfs through the thread pool (sysfs/inventory: 3–8 ms for 10 devices); with the kept view a scan happens once per change or poll interval, not per call. `fresh: true` (what eni-agent status asks for) pays for one.",
    "Throughput table: calls answered per second; the daemon's CPU is its threads' time on a CPU over the window (bench/support/proc-stats.ts); for the closed loop, clients ÷ throughput is the mean latency Little's law predicts; for paced clients, calls sent more than one period after their slot (a queue in the client that the latencies would hide).",
    `Generator pauses: a 1 ms timer in the bench process records every gap over ${STALL_MS} ms between its ticks (its garbage collector, or the scheduler giving the vCPU to another thread), and a call whose interval overlaps one is counted as overlapping a generator pause (bench/support/loop-stalls.ts). The targets are judged on every call; the last column shows what the tail is without the calls the generator itself held up. In the paced cases a few percent of the calls overlap a pause of the generator, and they make the tail: at 100 clients × 10 calls/s the daemon is busy about a tenth of the time, and the p99 of the other calls stays near 2 ms. The slow calls come in bursts at the moments the bench process's event loop stops (seen with --trace-gc in a separate run: its scavenges of 4–8 ms every half second or so), not when the daemon works. In the closed loop the generator is saturated and nearly every call overlaps a pause, so the column says little there.`,
    "Jitless daemon: node --jitless, which systemd/eni-agent.service.d/memory-deny-write-execute.conf sets so that MemoryDenyWriteExecute=yes can hold. V8 then only interprets: compare the CPU per call with the default daemon's under the same caller. No target applies to it; it is the price of that hardening, paid only by controllers that poll very often.",
    "Each client has a connection of its own (checked by counting the daemon's sockets), as separate controller processes would; clients of one process that share a target share one HTTP/2 connection in grpc-js.",
  ],
});
