/**
 * What the agent costs over the bare sysfs writes, on a real kernel: the
 * same NIC makes the round trip e1000e → DPDK driver → e1000e, alternately
 * through the driver engine (bind, then restore) and as the bare sequence
 * of writes (override, unbind, bind, unbind, clear, drivers_probe), several
 * times in the same guest. Reports the median per step and the
 * agent/bare ratio as a table. Under TCG the absolute figures mean little;
 * the ratios are the result.
 *
 * Two rotations: back to back (each round trip right after the previous
 * one, as the tables before had it) and settled (each round trip after
 * SETTLE_MS of quiet). Under TCG the kernel's own work after a probe
 * (e1000e's register accesses are emulated) keeps the guest's one vCPU busy
 * for a while, and lands in whatever runs next: in the back-to-back rotation
 * the agent's reads and journal record right after a probe pay for it where
 * the bare sequence's first write does not. The settled rotation gives
 * every variant a device the kernel has finished with.
 */
import {
  closeSync,
  constants,
  existsSync,
  writeSync as fsWriteSync,
  openSync,
  readdirSync,
} from "node:fs";
import { join } from "node:path";
import type { DriverName, PciAddress } from "../../../src/common/index.js";
import type { ProgressEvent } from "../../../src/driver/index.js";
import { RealSysfs } from "../../../src/sysfs/index.js";
import type { GuestContext, GuestResult } from "../guest-entry.js";
import { Checks, median, within } from "../kit/checks.js";
import { guestEngine, requireTestGuest, rootsOf } from "../kit/guest-agent.js";
import { describeNic, emulatedNics, readNic } from "../kit/nic-state.js";

export const configs = ["viommu", "uio"] as const;

const REPETITIONS = 21;
/** Quiet before each round trip of the settled rotation (not measured). */
const SETTLE_MS = 300;

type Sample = Record<string, number>;

/** Rows of the table: label, the bare samples' key, the agent sample's key. */
const ROWS: [string, string | null, string | null][] = [
  ["bind: read device, guards, preflight, journal begin", null, "bind/prepare"],
  ["bind: driver_override := target", "override", "bind/set-override"],
  ["bind: e1000e/unbind", "unbind-kernel", "bind/unbind"],
  ["bind: target/bind", "bind-target", "bind/bind"],
  ["bind: verify, journal end", null, "bind/verify"],
  ["bind: rest (events, locks)", null, "bind/other"],
  ["**bind total**", "bind-total", "bind-total"],
  ["restore: read device, preflight, journal begin", null, "restore/prepare"],
  ["restore: driver_override := e1000e", null, "restore/set-override"],
  ["restore: target/unbind", "unbind-target", "restore/unbind"],
  ["restore: back to e1000e (bare: drivers_probe; agent: e1000e/bind)", "probe", "restore/bind"],
  ['restore: driver_override := "\\n"', "clear", "restore/clear-override"],
  ["restore: bare: wait for the netdev; agent: verify, journal end", "netdev", "restore/verify"],
  ["restore: rest (events, locks)", null, "restore/other"],
  ["**restore total**", "restore-total", "restore-total"],
  ["**round trip**", "total", "total"],
];

interface OpTimes {
  begin: number;
  verify: number;
  end: number;
  elapsed: number[];
}

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  requireTestGuest(ctx.procRoot);
  const c = new Checks();
  const device = emulatedNics(ctx.sysRoot).at(-1)!;
  const target = ctx.config.dpdkDriver;
  const engine = guestEngine(rootsOf(ctx));
  await engine.recover();
  const times = new Map<string, OpTimes>();
  engine.subscribe((event: ProgressEvent) => {
    const now = performance.now();
    if (event.type === "begin") {
      times.set(event.operationId, { begin: now, verify: now, end: now, elapsed: [] });
    }
    const op = times.get(event.operationId);
    if (op === undefined) return;
    if (event.type === "step-done") op.elapsed.push(event.elapsedMs);
    if (event.type === "verify") op.verify = now;
    if (event.type === "end") op.end = now;
  });

  const agentRoundTrip = async (): Promise<Sample> => {
    const sample: Sample = {};
    const t0 = performance.now();
    const bound = await within(
      60_000,
      "bind",
      engine.bind(device as PciAddress, target as DriverName),
    );
    const t1 = performance.now();
    const restored = await within(60_000, "restore", engine.restore(device as PciAddress));
    const t2 = performance.now();
    for (const [result, phase, start, total] of [
      [bound, "bind", t0, t1 - t0],
      [restored, "restore", t1, t2 - t1],
    ] as const) {
      const op = engine.operation(result.operationId ?? "");
      const t = times.get(result.operationId ?? "");
      if (op === undefined || t === undefined || t.elapsed.length !== op.header.steps.length) {
        throw new Error(`${phase}: no step timings (${JSON.stringify(result)})`);
      }
      op.header.steps.forEach((step, i) => {
        sample[`${phase}/${step.kind}`] = t.elapsed[i]!;
      });
      const writes = t.elapsed.reduce((a, b) => a + b, 0);
      sample[`${phase}/prepare`] = t.begin - start;
      sample[`${phase}/verify`] = t.end - t.verify;
      sample[`${phase}/other`] = total - writes - (t.begin - start) - (t.end - t.verify);
      sample[`${phase}-total`] = total;
    }
    sample.total = t2 - t0;
    return sample;
  };
  const sysfs = new RealSysfs({ root: ctx.sysRoot });
  const variants = {
    // One write(2) each, synchronously: the least a program can do.
    bare: () =>
      bare(ctx.sysRoot, device, target, (path, value) => writeSync(ctx.sysRoot, path, value)),
    // The same writes through the agent's sysfs adapter (libuv's thread pool).
    adapter: () => bare(ctx.sysRoot, device, target, (path, value) => sysfs.write(path, value)),
    agent: agentRoundTrip,
  };

  const nic = () => readNic(ctx.sysRoot, ctx.devRoot, device);
  const before = nic();
  const order = Object.keys(variants) as (keyof typeof variants)[];
  const rotation = async (settleMs: number): Promise<Samples> => {
    const samples: Samples = { bare: [], adapter: [], agent: [] };
    for (let i = 0; i < REPETITIONS; i += 1) {
      for (let j = 0; j < order.length; j += 1) {
        const name = order[(i + j) % order.length]!;
        if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
        samples[name].push(await variants[name]());
      }
    }
    return samples;
  };
  // One unmeasured round of each first (JIT, caches), then rotate the order
  // so no variant always runs on a freshly probed device.
  for (const name of order) await variants[name]();
  const backToBack = await rotation(0);
  const samples = await rotation(SETTLE_MS);
  const after = nic();
  c.check(
    "the NIC ends where it began: e1000e, override (null), its MAC",
    after.driver === "e1000e" &&
      after.override === "(null)\n" &&
      after.net[0]?.mac === before.net[0]?.mac,
    { before: describeNic(before), after: describeNic(after) },
  );
  ctx.log(`samples ${JSON.stringify({ backToBack, settled: samples })}`);
  const table = renderTable(ctx, target, samples, backToBack);
  const counts = [samples, backToBack].flatMap((rotation) =>
    order.map((name) => rotation[name].length),
  );
  c.results.push({
    id: `agent vs bare writes, ${target}, median of ${REPETITIONS} (TCG, for ratios only)`,
    ok: counts.every((n) => n === REPETITIONS),
    report: table,
    detail: `round trips per variant, settled then back to back: ${counts.join(", ")}`,
  });
  return c.results;
}

type Samples = Record<"bare" | "adapter" | "agent", Sample[]>;

function renderTable(
  ctx: GuestContext,
  target: string,
  samples: Samples,
  backToBack: Samples,
): string {
  const fmt = (ms: number) => (Number.isNaN(ms) ? "–" : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
  const med = (list: Sample[], key: string | null) =>
    key === null ? Number.NaN : median(list.map((s) => s[key] ?? Number.NaN));
  const lines = [
    `${ctx.config.name} guest, e1000e ⇄ ${target}, median of ${samples.agent.length} round trips each started after ${SETTLE_MS} ms of quiet, ms (TCG, for ratios only)`,
    "",
    "| step | bare writes | same writes via the adapter | agent | agent/bare |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  const row = (label: string, from: Samples, bareKey: string | null, agentKey: string | null) => {
    const b = med(from.bare, bareKey);
    const d = med(from.adapter, bareKey);
    const a = med(from.agent, agentKey);
    const ratio = Number.isNaN(a) || Number.isNaN(b) ? "–" : `${(a / b).toFixed(2)}×`;
    return `| ${label.replace("target", target)} | ${fmt(b)} | ${fmt(d)} | ${fmt(a)} | ${ratio} |`;
  };
  for (const [label, bareKey, agentKey] of ROWS) lines.push(row(label, samples, bareKey, agentKey));
  lines.push(row("**round trip, back to back**", backToBack, "total", "total"));
  return lines.join("\n");
}

type Writer = (path: string, value: string) => void | Promise<void>;

/**
 * The bare round trip, each write timed (paths relative to the sysfs root),
 * then the wait until the netdev shows again. Throws on any errno: the
 * sequence is known to work in the configurations this entry runs in.
 */
async function bare(
  sysRoot: string,
  device: string,
  target: string,
  write: Writer,
): Promise<Sample> {
  const dev = `bus/pci/devices/${device}`;
  const sample: Sample = {};
  const timed = async (key: string, path: string, value: string) => {
    const started = performance.now();
    await write(path, value);
    sample[key] = performance.now() - started;
  };
  await timed("override", `${dev}/driver_override`, target);
  await timed("unbind-kernel", "bus/pci/drivers/e1000e/unbind", device);
  await timed("bind-target", `bus/pci/drivers/${target}/bind`, device);
  await timed("unbind-target", `bus/pci/drivers/${target}/unbind`, device);
  await timed("clear", `${dev}/driver_override`, "\n");
  await timed("probe", "bus/pci/drivers_probe", device);
  sample.netdev = await netdevWait(join(sysRoot, dev, "net"));
  sample["bind-total"] = sample.override! + sample["unbind-kernel"]! + sample["bind-target"]!;
  sample["restore-total"] =
    sample["unbind-target"]! + sample.clear! + sample.probe! + sample.netdev;
  sample.total = sample["bind-total"] + sample["restore-total"];
  return sample;
}

/** ms until `dir` lists an interface. */
async function netdevWait(dir: string): Promise<number> {
  const started = performance.now();
  while (!existsSync(dir) || readdirSync(dir).length === 0) {
    if (performance.now() - started > 10_000) throw new Error("bare: no netdev after 10 s");
    // Sleep rather than spin: the guest has one vCPU, and the kernel may need it.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return performance.now() - started;
}

/** One synchronous write(2) on an existing attribute. */
function writeSync(sysRoot: string, path: string, value: string): void {
  const fd = openSync(join(sysRoot, path), constants.O_WRONLY);
  try {
    fsWriteSync(fd, value);
  } finally {
    closeSync(fd);
  }
}
