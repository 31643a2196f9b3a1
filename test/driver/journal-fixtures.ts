/**
 * Journal fixtures for recovery tests: real histories made by an engine on
 * the simulator, then damaged the way a disk or an attacker would (a lost
 * line, a flipped bit, a forged checksum-valid record).
 */
import type { PciAddress } from "../../src/common/index.js";
import { steppingClock } from "../../src/driver/clock.js";
import { DriverEngine } from "../../src/driver/engine.js";
import type { DriverEngineOptions } from "../../src/driver/engine-options.js";
import { decodeJournal, encodeRecord, type JournalRecord } from "../../src/driver/journal.js";
import type { MemoryJournal } from "../../src/driver/memory-journal.js";
import type { OperationHeader } from "../../src/driver/types.js";
import type { SimKernel } from "../../src/sim/index.js";
import { TEST_OPTIONS } from "./engine-harness.js";

export interface EngineOnOptions {
  /** The instance's primary interface, for the guard; none by default. */
  primaryMac?: string;
  engine?: DriverEngineOptions;
  /** Test hook at every step boundary (a throw there is a crash). */
  boundary?: (operationId: string, at: string) => void;
}

/** An engine on `kernel` with `journal`, not recovered yet. */
export function engineOn(
  kernel: SimKernel,
  journal: MemoryJournal,
  options: EngineOnOptions = {},
): DriverEngine {
  return new DriverEngine(
    {
      sysfs: kernel.sysfs,
      journal,
      holders: kernel.holders,
      routes: { defaultRoutes: async () => kernel.defaultRoutes() },
      primary: {
        primary: async () =>
          options.primaryMac === undefined
            ? null
            : { mac: options.primaryMac as never, interface: null },
      },
      addresses: { addresses: async () => [] },
      kernelRelease: kernel.config.release,
      clock: steppingClock(),
      boundary: options.boundary,
    },
    { ...TEST_OPTIONS, ...options.engine },
  );
}

/** The journal's lines, each with its newline. */
export function linesOf(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/** The index of the line holding the end record of `id`. */
export function endLineOf(text: string, id: string): number {
  return linesOf(text).findIndex((l) => l.includes('"type":"end"') && l.includes(`"id":"${id}"`));
}

/** Flips one bit of the JSON part of line `index` (never its newline). */
export function flipBit(text: string, index: number, offset = 20, bit = 0): string {
  const lines = linesOf(text);
  const line = lines[index]!;
  const at = Math.min(offset, line.length - 2);
  lines[index] =
    line.slice(0, at) + String.fromCharCode(line.charCodeAt(at) ^ (1 << bit)) + line.slice(at + 1);
  return lines.join("");
}

/** The begin header of operation `id`, as journaled. */
export function headerOf(text: string, id: string): OperationHeader {
  const record = decodeJournal(text).records.find(
    (r): r is Extract<JournalRecord, { type: "begin" }> => r.type === "begin" && r.op.id === id,
  );
  if (record === undefined) throw new Error(`no begin record for ${id}`);
  return record.op;
}

/** A checksum-valid begin record carrying `op` (its fields unchecked). */
export function forgedBegin(op: unknown): string {
  return encodeRecord({ v: 1, type: "begin", at: "2026-01-01T00:00:00.000Z", op } as JournalRecord);
}

/** A checksum-valid record of any shape. */
export function forged(value: unknown): string {
  return encodeRecord(value as JournalRecord);
}

/** A forged header for `device`: a bind whose snapshot and target are as given. */
export function forgedHeader(
  device: string,
  id: string,
  snapshot: { driver: string | null; override: string | null; vendor?: string; device?: string },
  target: { driver: string | null; override: string | null },
): OperationHeader {
  return {
    id,
    kind: "bind",
    device: device as PciAddress,
    driver: target.driver as never,
    target: { driver: target.driver as never, override: target.override, mac: null },
    snapshot: {
      address: device as PciAddress,
      vendor: snapshot.vendor ?? "1d0f",
      device: snapshot.device ?? "ec20",
      driver: snapshot.driver as never,
      driverOverride: snapshot.override,
      interface: null,
      mac: null,
      mtu: null,
      operstate: null,
      numaNode: null,
      iommuGroup: null,
      takenAt: "2026-01-01T00:00:00.000Z",
    },
    home: null,
    steps: [],
    force: false,
    startedAt: "2026-01-01T00:00:00.000Z",
  };
}
