/**
 * The fast-check model of journal damage (#17), shared by the property test
 * and `npm run chaos`: a history of binds and restores on two ENAs (the last
 * one possibly cut short by a crash), then damage to its journal: a lost
 * end record, a flipped bit, forged checksum-valid records (for another
 * device, the primary, a device outside the allowlist, a stale copy of an
 * earlier operation). A fresh engine recovers on the same kernel.
 *
 * The invariant: recovery writes only what the last operation of a device
 * justifies, and never outside the allowlist. The expectation is computed
 * from the surviving records by the rules docs/driver.md states, not by the
 * engine: per device, the last begin record (first begin of an id counts,
 * an end record counts for a begin before it); when that operation has no
 * end, the device is managed (the kernel's ids), not at the operation's
 * target, and rolling back does not take a default-route interface from the
 * kernel, the writes are exactly the plan from the device's state to the
 * operation's snapshot; otherwise none.
 */
import fc from "fast-check";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { encodeRecord, type JournalRecord } from "../../src/driver/journal.js";
import { MemoryJournal } from "../../src/driver/memory-journal.js";
import { mismatch, stateOf } from "../../src/driver/observe.js";
import {
  planSteps,
  snapshotTarget,
  stepWrite,
  takesFromKernel,
} from "../../src/driver/plan-transaction.js";
import type { OperationHeader } from "../../src/driver/types.js";
import { ec2Host, type SimKernel } from "../../src/sim/index.js";
import { ENA_IDS, readDevice } from "../../src/sysfs/index.js";
import { engineOn, forgedHeader } from "./journal-fixtures.js";

/** ens6 and ens7 carry the history; ens5 is the primary (default route), ens8 stays idle. */
const HISTORY_DEVICES = ["0000:00:06.0", "0000:00:07.0"] as const;
const FORGEABLE = {
  managed: ["0000:00:05.0", "0000:00:06.0", "0000:00:07.0", "0000:00:08.0"],
  foreign: ["0000:00:04.0", "0000:00:03.0", "0000:00:00.0"],
} as const;
const DRIVERS = [null, "ena", "vfio-pci", "uio_pci_generic"] as const;
const BOUNDARIES = ["begun", "step:0", "step:1", "step:2", "step:3", "verified"] as const;

type Driver = (typeof DRIVERS)[number];

export interface HistoryOp {
  device: 0 | 1;
  to: "vfio-pci" | "uio_pci_generic" | "restore";
}

export type Damage =
  | { kind: "lose-end"; pick: number }
  | { kind: "flip"; line: number; offset: number; bit: number }
  | {
      kind: "forge";
      device: string;
      snapshot: { driver: Driver; override: Driver };
      target: { driver: Driver; override: Driver };
      at: number;
    }
  | { kind: "stale"; pick: number; sameId: boolean; at: number };

export interface DamageCase {
  history: HistoryOp[];
  /** The last operation stops at this boundary (an in-process crash); null: it ends. */
  crashAt: (typeof BOUNDARIES)[number] | null;
  damages: Damage[];
}

const driverTarget = fc.record({
  driver: fc.constantFrom(...DRIVERS),
  override: fc.constantFrom(...DRIVERS),
});

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant("lose-end" as const), pick: fc.nat(20) }),
  fc.record({
    kind: fc.constant("flip" as const),
    line: fc.nat(20),
    offset: fc.nat(2000),
    bit: fc.nat(6),
  }),
  fc.record({
    kind: fc.constant("forge" as const),
    device: fc.constantFrom(...FORGEABLE.managed, ...FORGEABLE.foreign),
    snapshot: driverTarget,
    target: driverTarget,
    at: fc.nat(20),
  }),
  fc.record({
    kind: fc.constant("stale" as const),
    pick: fc.nat(20),
    sameId: fc.boolean(),
    at: fc.nat(20),
  }),
);

export const damageCase: fc.Arbitrary<DamageCase> = fc.record({
  history: fc.array(
    fc.record({
      device: fc.constantFrom(0 as const, 1 as const),
      to: fc.constantFrom("vfio-pci" as const, "uio_pci_generic" as const, "restore" as const),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  crashAt: fc.option(fc.constantFrom(...BOUNDARIES), { nil: null }),
  damages: fc.array(damage, { minLength: 1, maxLength: 3 }),
});

class Crash extends Error {}

/** One journal line as the model sees it: its record, or null when damage destroyed it. */
interface Line {
  text: string;
  record: JournalRecord | null;
}

/** Runs one case; returns the invariant's violation, or null. */
export async function checkDamage(c: DamageCase): Promise<string | null> {
  const kernel = ec2Host({ enis: 4 });
  const lines = await runHistory(kernel, c);
  for (const d of c.damages) applyDamage(lines, d);
  const expected = await expectedWrites(kernel, survivors(lines));
  const start = kernel.writeLog().length;
  try {
    await engineOn(kernel, new MemoryJournal(lines.map((l) => l.text).join(""))).recover();
  } catch (err) {
    return `recovery threw: ${String(err)}`;
  }
  const written = kernel.writeLog().slice(start);
  for (const device of new Set([...expected.keys(), ...written.map(deviceOf)])) {
    const want = (expected.get(device) ?? []).map(show);
    const got = written.filter((w) => deviceOf(w) === device).map(show);
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      return `${device}: recovery wrote [${got.join("; ")}], justified [${want.join("; ")}]`;
    }
  }
  return null;
}

async function runHistory(kernel: SimKernel, c: DamageCase): Promise<Line[]> {
  const journal = new MemoryJournal();
  let crashing = false;
  const engine = engineOn(kernel, journal, {
    boundary: (_, at) => {
      if (crashing && at === c.crashAt) throw new Crash(at);
    },
  });
  await engine.recover();
  for (const [i, op] of c.history.entries()) {
    crashing = i === c.history.length - 1 && c.crashAt !== null;
    const device = HISTORY_DEVICES[op.device];
    const run =
      op.to === "restore"
        ? engine.restore(device as PciAddress)
        : engine.bind(device as PciAddress, op.to as DriverName);
    await run.catch((err: unknown) => {
      if (!(err instanceof Crash)) throw err;
    });
  }
  return journal
    .text()
    .split(/(?<=\n)/)
    .filter((text) => text.length > 0)
    .map((text) => ({ text, record: JSON.parse(text.slice(9)) as JournalRecord }));
}

function applyDamage(lines: Line[], d: Damage): void {
  const ends = lines.filter((l) => l.record?.type === "end");
  switch (d.kind) {
    case "lose-end": {
      if (ends.length > 0) lines.splice(lines.indexOf(ends[d.pick % ends.length]!), 1);
      return;
    }
    case "flip": {
      if (lines.length === 0) return;
      const line = lines[d.line % lines.length]!;
      // Any byte but the newline: CRC-32 catches every single-bit error.
      const at = d.offset % (line.text.length - 1);
      const ch = String.fromCharCode(line.text.charCodeAt(at) ^ (1 << d.bit));
      line.text = line.text.slice(0, at) + ch + line.text.slice(at + 1);
      line.record = null;
      return;
    }
    case "forge": {
      const op = forgedHeader(
        d.device,
        `op-forged-${lines.length}`,
        d.snapshot,
        d.target as { driver: Driver; override: Driver },
      );
      insert(lines, d.at, { v: 1, type: "begin", at: op.startedAt, op });
      return;
    }
    case "stale": {
      const begins = lines.filter((l) => l.record?.type === "begin");
      if (begins.length === 0) return;
      const copy = begins[d.pick % begins.length]!.record as Extract<
        JournalRecord,
        { type: "begin" }
      >;
      const op = d.sameId ? copy.op : { ...copy.op, id: `op-stale-${lines.length}` };
      insert(lines, d.at, { ...copy, op });
      return;
    }
  }
}

function insert(lines: Line[], at: number, record: JournalRecord): void {
  lines.splice(at % (lines.length + 1), 0, { text: encodeRecord(record), record });
}

/** The records the rules keep: damaged ones go; a repeated begin, a second end, a stuck after an end are skipped. */
function survivors(lines: readonly Line[]): JournalRecord[] {
  const begun = new Set<string>();
  const ended = new Set<string>();
  const out: JournalRecord[] = [];
  for (const { record } of lines) {
    if (record === null) continue;
    if (record.type === "begin") {
      if (begun.has(record.op.id)) continue;
      begun.add(record.op.id);
    } else {
      if (ended.has(record.id)) continue;
      if (record.type === "end") ended.add(record.id);
    }
    out.push(record);
  }
  return out;
}

/** Per device, the writes its last operation justifies (absent: none). */
async function expectedWrites(
  kernel: SimKernel,
  records: readonly JournalRecord[],
): Promise<Map<string, { path: string; data: string }[]>> {
  const last = new Map<string, OperationHeader>();
  const open = new Set<string>();
  for (const r of records) {
    if (r.type === "begin") {
      last.set(r.op.device, r.op);
      open.add(r.op.id);
    } else if (r.type === "end") open.delete(r.id);
  }
  const out = new Map<string, { path: string; data: string }[]>();
  for (const op of last.values()) {
    if (!open.has(op.id)) continue;
    const device = await readDevice(kernel.sysfs, op.device);
    if (device === null) continue;
    if (!ENA_IDS.includes(`${device.vendor}:${device.device}`)) continue;
    if (mismatch(stateOf(device), op.target) === null) continue;
    const routed = kernel.defaultRoutes().map((r) => r.interface);
    const cutsOff =
      takesFromKernel(device, op.snapshot.driver) &&
      device.interfaces.some((n) => routed.includes(n.name));
    if (cutsOff) continue;
    const from = { driver: device.driver, override: device.driverOverride };
    const steps = planSteps(from, snapshotTarget(op.snapshot));
    out.set(
      op.device,
      steps.map((s) => stepWrite(op.device as PciAddress, s)),
    );
  }
  return out;
}

function deviceOf(w: { path: string; data: string }): string {
  return /devices\/([^/]+)\//.exec(w.path)?.[1] ?? w.data;
}

function show(w: { path: string; data: string }): string {
  return `${JSON.stringify(w.data)} > ${w.path}`;
}
