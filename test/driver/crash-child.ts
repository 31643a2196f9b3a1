/**
 * Child process of crash.test.ts: runs one engine operation on a persisted
 * simulated kernel and a file journal, prints "AT <boundary>" at each step
 * boundary, and at the one named by the parent stops there (waits forever)
 * so that the parent can SIGKILL it exactly at that point.
 *
 * argv: <kernel.json> <state dir> <bind:DRIVER|restore> <device> <stop boundary|none>
 */
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { DriverEngine } from "../../src/driver/engine.js";
import { FileJournal } from "../../src/driver/file-journal.js";
import { loadKernelState, persistKernel } from "../../src/sim/index.js";

const [kernelFile, stateDir, op, device, stopAt] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const kernel = loadKernelState(kernelFile);
persistKernel(kernel, kernelFile);
const engine = new DriverEngine(
  {
    sysfs: kernel.sysfs,
    journal: new FileJournal({ stateDir }),
    holders: kernel.holders,
    routes: { defaultRoutes: async () => [] },
    primary: { primary: async () => null },
    addresses: { addresses: async () => [] },
    kernelRelease: kernel.config.release,
    boundary: async (_, at) => {
      process.stdout.write(`AT ${at}\n`);
      if (at === stopAt) await new Promise(() => setInterval(() => undefined, 1 << 30));
    },
  },
  { verifyTimeoutMs: 2_000, verifyPollMs: 5 },
);
await engine.recover();
const result =
  op === "restore"
    ? await engine.restore(device as PciAddress)
    : await engine.bind(device as PciAddress, op.slice(5) as DriverName);
process.stdout.write(`DONE ${result.status}\n`);
