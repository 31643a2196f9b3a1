/** Builds a DriverEngine on a simulated kernel with a memory journal and a stepping clock. */
import type { EniId, Mac } from "../../src/common/index.js";
import { type Clock, steppingClock } from "../../src/driver/clock.js";
import type { DesiredStore } from "../../src/driver/desired-state.js";
import { DriverEngine } from "../../src/driver/engine.js";
import type { DriverEngineOptions } from "../../src/driver/engine-options.js";
import type { Journal } from "../../src/driver/journal.js";
import { MemoryJournal } from "../../src/driver/memory-journal.js";
import type { ProgressEvent } from "../../src/driver/types.js";
import { ec2Host, type SimKernel } from "../../src/sim/index.js";
import type { HolderScanner, Sysfs } from "../../src/sysfs/index.js";

export interface Harness {
  kernel: SimKernel;
  journal: Journal;
  engine: DriverEngine;
  events: ProgressEvent[];
  /** Addresses per interface, as the address provider answers. */
  addresses: Map<string, string[]>;
}

export const TEST_OPTIONS: DriverEngineOptions = {
  // Virtual milliseconds (stepping clock): a few polls, no wall time.
  verifyTimeoutMs: 100,
  verifyPollMs: 20,
  writeTimeoutMs: 5_000,
  maxParallel: 8,
};

export interface HarnessOptions {
  engine?: DriverEngineOptions;
  journal?: Journal;
  /** Wraps the kernel's port (fault arming, counting). */
  sysfs?: (sysfs: Sysfs) => Sysfs;
  /** Wraps the kernel's holder scanner (a scan that runs out of time). */
  holders?: (holders: HolderScanner) => HolderScanner;
  clock?: Clock;
  primaryMac?: string;
  recover?: boolean;
  desired?: DesiredStore;
  eniMac?: (eniId: EniId) => Promise<Mac | null>;
}

export async function harness(
  kernel: SimKernel = ec2Host(),
  options: HarnessOptions = {},
): Promise<Harness> {
  const journal = options.journal ?? new MemoryJournal();
  const addresses = new Map<string, string[]>();
  const engine = new DriverEngine(
    {
      sysfs: options.sysfs ? options.sysfs(kernel.sysfs) : kernel.sysfs,
      journal,
      holders: options.holders ? options.holders(kernel.holders) : kernel.holders,
      routes: { defaultRoutes: async () => kernel.defaultRoutes() },
      primary: {
        primary: async () =>
          options.primaryMac ? { mac: options.primaryMac as Mac, interface: null } : null,
      },
      addresses: { addresses: async (name) => addresses.get(name) ?? [] },
      kernelRelease: kernel.config.release,
      clock: options.clock ?? steppingClock(),
      desired: options.desired,
      eniMac: options.eniMac,
    },
    { ...TEST_OPTIONS, ...options.engine },
  );
  const h: Harness = { kernel, journal, engine, events: [], addresses };
  engine.subscribe((e) => h.events.push(e));
  if (options.recover !== false) await engine.recover();
  return h;
}
