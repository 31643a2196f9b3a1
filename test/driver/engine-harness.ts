/** Builds a DriverEngine on the mini kernel with a memory journal and a stepping clock. */
import { steppingClock } from "../../src/driver/clock.js";
import { DriverEngine, type DriverEngineOptions } from "../../src/driver/engine.js";
import type { Journal } from "../../src/driver/journal.js";
import { MemoryJournal } from "../../src/driver/memory-journal.js";
import type { ProgressEvent } from "../../src/driver/types.js";
import type { DefaultRoute, DeviceHolder } from "../../src/sysfs/index.js";
import { ec2State, MiniKernel, type MiniState } from "./mini-kernel.js";

export interface Harness {
  kernel: MiniKernel;
  journal: Journal;
  engine: DriverEngine;
  events: ProgressEvent[];
  routes: DefaultRoute[];
  holders: DeviceHolder[];
}

export const TEST_OPTIONS: DriverEngineOptions = {
  verifyTimeoutMs: 500,
  verifyPollMs: 10,
  writeTimeoutMs: 5_000,
  maxParallel: 8,
};

export async function harness(
  state: MiniState = ec2State(),
  options: DriverEngineOptions = {},
  journal: Journal = new MemoryJournal(),
  kernelRelease = "6.1.0-56-amd64",
): Promise<Harness> {
  const kernel = new MiniKernel(state);
  const h: Harness = {
    kernel,
    journal,
    engine: undefined as never,
    events: [],
    routes: [],
    holders: [],
  };
  h.engine = new DriverEngine(
    {
      sysfs: kernel,
      journal,
      holders: { holders: async (nodes) => h.holders.filter((x) => nodes.includes(x.node)) },
      routes: { defaultRoutes: async () => h.routes },
      primary: { primary: async () => null },
      addresses: { addresses: async () => [] },
      kernelRelease,
      clock: steppingClock(),
    },
    { ...TEST_OPTIONS, ...options },
  );
  h.engine.subscribe((e) => h.events.push(e));
  await h.engine.recover();
  return h;
}
