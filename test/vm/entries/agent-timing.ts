/**
 * What the agent costs over the bare sysfs writes, on a real kernel: the
 * same NIC makes the round trip e1000e → DPDK driver → e1000e, alternately
 * through the driver engine (bind, then restore) and as the bare sequence
 * of writes (override, unbind, bind, unbind, clear, drivers_probe), several
 * times in the same guest. Reports the median per step and the
 * agent/bare ratio as a table. Under TCG the absolute figures mean little;
 * the ratios are the result.
 */
import { closeSync, constants, existsSync, openSync, readdirSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ProgressEvent } from "../../../src/driver/index.js";
import type { GuestContext, GuestResult } from "../guest-entry.js";
import { Checks, median, within } from "../kit/checks.js";
import { guestEngine, requireTestGuest, rootsOf } from "../kit/guest-agent.js";
import { describeNic, emulatedNics, readNic } from "../kit/nic-state.js";

export const configs = ["viommu", "uio"] as const;

const REPETITIONS = 5;

type Sample = Record<string, number>;

/** Rows of the table: label, the bare sample's key, the agent sample's key. */
const ROWS: [string, string | null, string | null][] = [
  ["bind: driver_override := target", "override", "bind/set-override"],
  ["bind: e1000e/unbind", "unbind-kernel", "bind/unbind"],
  ["bind: target/bind", "bind-target", "bind/bind"],
  ["bind: outside the writes (guards, preflight, journal, verify)", null, "bind/other"],
  ["**bind total**", "bind-total", "bind-total"],
  ["restore: driver_override := e1000e", null, "restore/set-override"],
  ["restore: target/unbind", "unbind-target", "restore/unbind"],
  ["restore: back to e1000e (bare: drivers_probe; agent: e1000e/bind)", "probe", "restore/bind"],
  ['restore: driver_override := "\\n"', "clear", "restore/clear-override"],
  ["restore: netdev visible after the last write", "netdev", null],
  ["restore: outside the writes (guards, preflight, journal, verify)", null, "restore/other"],
  ["**restore total**", "restore-total", "restore-total"],
  ["**round trip**", "total", "total"],
];

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  requireTestGuest(ctx.procRoot);
  const c = new Checks();
  const device = emulatedNics(ctx.sysRoot).at(-1)!;
  const target = ctx.config.dpdkDriver;
  const engine = guestEngine(rootsOf(ctx));
  await engine.recover();
  const steps = new Map<string, { kind: string; elapsed: number[] }>();
  engine.subscribe((event: ProgressEvent) => {
    if (event.type === "begin") steps.set(event.operationId, { kind: event.kind, elapsed: [] });
    if (event.type === "step-done") steps.get(event.operationId)?.elapsed.push(event.elapsedMs);
  });

  const agentRoundTrip = async (): Promise<Sample> => {
    const sample: Sample = {};
    const t0 = performance.now();
    const bound = await within(60_000, "bind", engine.bind(device, target));
    const t1 = performance.now();
    const restored = await within(60_000, "restore", engine.restore(device));
    const t2 = performance.now();
    for (const [result, phase, total] of [
      [bound, "bind", t1 - t0],
      [restored, "restore", t2 - t1],
    ] as const) {
      const op = engine.operation(result.operationId ?? "");
      const elapsed = steps.get(result.operationId ?? "")?.elapsed ?? [];
      if (op === undefined || elapsed.length !== op.header.steps.length) {
        throw new Error(`${phase}: no step timings (${JSON.stringify(result)})`);
      }
      op.header.steps.forEach((step, i) => {
        sample[`${phase}/${step.kind}`] = elapsed[i]!;
      });
      sample[`${phase}-total`] = total;
      sample[`${phase}/other`] = total - elapsed.reduce((a, b) => a + b, 0);
    }
    sample.total = t2 - t0;
    return sample;
  };
  const bareRoundTrip = (): Promise<Sample> => bare(ctx.sysRoot, device, target);

  const nic = () => readNic(ctx.sysRoot, ctx.devRoot, device);
  const before = nic();
  const agent: Sample[] = [];
  const plain: Sample[] = [];
  // One unmeasured round of each first (JIT, caches), then alternate the
  // order so neither side always runs on a freshly probed device.
  await agentRoundTrip();
  await bareRoundTrip();
  for (let i = 0; i < REPETITIONS; i += 1) {
    if (i % 2 === 0) {
      agent.push(await agentRoundTrip());
      plain.push(await bareRoundTrip());
    } else {
      plain.push(await bareRoundTrip());
      agent.push(await agentRoundTrip());
    }
  }
  const after = nic();
  c.check(
    "the NIC ends where it began: e1000e, override (null), its MAC",
    after.driver === "e1000e" &&
      after.override === "(null)\n" &&
      after.net[0]?.mac === before.net[0]?.mac,
    { before: describeNic(before), after: describeNic(after) },
  );
  ctx.log(`samples ${JSON.stringify({ agent, bare: plain })}`);
  const table = renderTable(ctx, target, agent, plain);
  c.results.push({
    id: `agent vs bare writes, ${target}, median of ${REPETITIONS} (TCG, for ratios only)`,
    ok: agent.length === REPETITIONS && plain.length === REPETITIONS,
    report: table,
    detail: `${agent.length} agent and ${plain.length} bare round trips`,
  });
  return c.results;
}

function renderTable(ctx: GuestContext, target: string, agent: Sample[], plain: Sample[]): string {
  const fmt = (ms: number) => (Number.isNaN(ms) ? "–" : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
  const lines = [
    `${ctx.config.name} guest, e1000e ⇄ ${target}, median of ${agent.length} round trips, ms (TCG, for ratios only)`,
    "",
    "| step | bare writes | agent | agent/bare |",
    "| --- | ---: | ---: | ---: |",
  ];
  for (const [label, bareKey, agentKey] of ROWS) {
    const b = bareKey === null ? Number.NaN : median(plain.map((s) => s[bareKey] ?? Number.NaN));
    const a = agentKey === null ? Number.NaN : median(agent.map((s) => s[agentKey] ?? Number.NaN));
    const ratio = Number.isNaN(a) || Number.isNaN(b) ? "–" : `${(a / b).toFixed(2)}×`;
    lines.push(`| ${label.replace("target", target)} | ${fmt(b)} | ${fmt(a)} | ${ratio} |`);
  }
  return lines.join("\n");
}

/**
 * The bare round trip with synchronous writes, timed one by one; then the
 * wait until the netdev shows again. Throws on any errno: the sequence is
 * known to work in the configurations this entry runs in.
 */
async function bare(sysRoot: string, device: string, target: string): Promise<Sample> {
  const pci = join(sysRoot, "bus/pci");
  const dev = join(pci, "devices", device);
  const sample: Sample = {};
  const write = (key: string, path: string, value: string) => {
    const started = performance.now();
    const fd = openSync(path, constants.O_WRONLY);
    try {
      writeSync(fd, value);
    } finally {
      closeSync(fd);
    }
    sample[key] = performance.now() - started;
  };
  write("override", join(dev, "driver_override"), target);
  write("unbind-kernel", join(pci, "drivers/e1000e/unbind"), device);
  write("bind-target", join(pci, "drivers", target, "bind"), device);
  write("unbind-target", join(pci, "drivers", target, "unbind"), device);
  write("clear", join(dev, "driver_override"), "\n");
  write("probe", join(pci, "drivers_probe"), device);
  const started = performance.now();
  const net = join(dev, "net");
  while (!existsSync(net) || readdirSync(net).length === 0) {
    if (performance.now() - started > 10_000) throw new Error("bare: no netdev after 10 s");
    // Sleep rather than spin: the guest has one vCPU, and the kernel may need it.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  sample.netdev = performance.now() - started;
  sample["bind-total"] = sample.override! + sample["unbind-kernel"]! + sample["bind-target"]!;
  sample["restore-total"] =
    sample["unbind-target"]! + sample.clear! + sample.probe! + sample.netdev;
  sample.total = sample["bind-total"] + sample["restore-total"];
  return sample;
}
