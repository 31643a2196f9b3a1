/**
 * Daemon memory with watchers that never read (issue #17, defect 8): each
 * round opens 60 WatchEvents streams from raw HTTP/2 clients that never read
 * a byte, moves a device back and forth until the daemon has dropped every
 * one of them (its queue limit, 1,024 events), and reads the daemon's memory
 * while those clients still hold their connections, then after they close.
 * A dropped stream whose data stayed queued behind its closed flow-control
 * window would show in the heap of the "dropped, clients connected" row,
 * and would add up from round to round.
 *
 * The daemon is the built `eni-agent serve --simulate` with its default
 * limits, run with the heap probe of bench/support/heap-probe.ts.
 */
import { constants } from "node:http2";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { neverReadingWatcher } from "../../test/support/never-reading-watcher.js";
import { clientsOnOwnConnections } from "../support/agent-clients.js";
import { defineBench, type Measurement, type TargetResult } from "../support/bench.js";
import { daemonFixture } from "../support/daemon-process.js";
import {
  daemonMemory,
  MEMORY_COLUMNS,
  type Memory,
  memoryCells,
  serveWithHeapProbe,
} from "../support/heap-probe.js";
import { settleUnixSockets } from "../support/proc-stats.js";

const ROUNDS = 4;
const WATCHERS = 60;
const DEVICE = "0000:00:06.0";
/** Bind/restore pairs at most per round: the round fails if the watchers are not all dropped by then. */
const MAX_MOVES = 1_000;
const SETTLE_MS = 1_000;
/** What the dropped watchers may still hold, all 60 together, while their clients stay connected. */
const MAX_HELD_MIB = 2;

const fixture = daemonFixture("slow-watchers", { config: {}, command: serveWithHeapProbe });

interface Round {
  before: Memory;
  held: Memory;
  closed: Memory;
  moves: number;
  reset: number;
}

async function round(name: string): Promise<Round> {
  const running = fixture.daemon;
  await settleUnixSockets(running.pid, 1);
  await sleep(SETTLE_MS);
  const before = await daemonMemory(fixture);
  const [control] = clientsOnOwnConnections(running.socketPath, 1, join(fixture.dir, name));
  const watchers = await Promise.all(
    Array.from({ length: WATCHERS }, () => neverReadingWatcher(running.socketPath)),
  );
  let done = 0;
  let reset = 0;
  for (const w of watchers) {
    void w.ended.then((code) => {
      done++;
      if (code === constants.NGHTTP2_ENHANCE_YOUR_CALM) reset++;
    });
  }
  let moves = 0;
  let held: Memory;
  try {
    while (done < WATCHERS && moves < MAX_MOVES) {
      await control!.bindDevice({ selector: { pciAddress: DEVICE }, driver: "vfio-pci" });
      await control!.restoreDevice({ selector: { pciAddress: DEVICE } });
      moves++;
    }
    await sleep(SETTLE_MS);
    held = await daemonMemory(fixture);
  } finally {
    for (const w of watchers) w.session.destroy();
    control!.close();
  }
  await settleUnixSockets(running.pid, 1);
  await sleep(SETTLE_MS);
  const closed = await daemonMemory(fixture);
  return { before, held, closed, moves, reset };
}

const mb = (value: number) => `${value.toFixed(1)} MiB`;

export default defineBench({
  title: "Daemon memory with watchers that never read",
  adapter:
    "built daemon (`eni-agent serve --simulate`, default limits, --expose-gc and a heap probe) in its own process; raw HTTP/2 watchers and the control client in the bench process",
  setup: fixture.setup,
  teardown: fixture.teardown,
  async measure(): Promise<Measurement> {
    const rounds: Round[] = [];
    for (let i = 1; i <= ROUNDS; i++) rounds.push(await round(`round-${i}`));
    // The first round leaves what first use allocates for good (modules, compiled
    // code): it is shown, and the later rounds are checked.
    const checked: TargetResult[] = rounds.slice(1).map((r, i) => {
      const heldMiB = r.held.heapMiB - r.before.heapMiB;
      return {
        case: `round ${i + 2}`,
        description: `all ${WATCHERS} watchers reset (${r.reset} were, after ${r.moves} bind/restore pairs); heap in use after GC while their clients stay connected within ${MAX_HELD_MIB} MiB of before the round (is ${heldMiB >= 0 ? "+" : "−"}${mb(Math.abs(heldMiB))})`,
        met: r.reset === WATCHERS && heldMiB <= MAX_HELD_MIB,
      };
    });
    const rows = rounds.flatMap((r, i) =>
      (
        [
          ["before", r.before],
          ["dropped, clients connected", r.held],
          ["clients closed", r.closed],
        ] as const
      ).map(([phase, m]) => [String(i + 1), phase, ...memoryCells(m)]),
    );
    return {
      cases: [],
      checked,
      tables: [
        {
          title: "Daemon memory, MiB",
          columns: ["round", "phase", ...MEMORY_COLUMNS],
          rows,
        },
      ],
    };
  },
  notes: [
    `Each round: ${WATCHERS} raw HTTP/2 clients on their own connections open WatchEvents and never read; a control client binds ${DEVICE} to vfio-pci and restores it until the daemon has reset every watcher's stream (RST_STREAM ENHANCE_YOUR_CALM once 1,024 events are queued for it). Memory is read ${SETTLE_MS / 1000} s after each change: VmRSS, then the heap after a full GC the daemon runs on SIGUSR2, then VmRSS again.`,
    "Round 1 also holds what first use allocates for good (modules, compiled code, the simulated host's state); rounds 2 to 4 are checked.",
    "Before the reset (issue #17), a dropped watcher's stream was ended with a status that queued behind its unread events, and the daemon kept both for as long as the client kept its connection.",
  ],
});
