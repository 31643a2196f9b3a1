/**
 * A daemon killed half-way through a bind leaves a journal with an open
 * operation and a simulated kernel saved as it was. The next daemon on the
 * same state directory resolves that operation before its first RPC answers.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import t from "tap";
import { SIM_KERNEL_FILE } from "../../src/agent/simulated-host.js";
import { connectAgent } from "../../src/client/client.js";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { DriverEngine, FileJournal } from "../../src/driver/index.js";
import { ec2Host, persistKernel } from "../../src/sim/index.js";
import { agentHarness, tempDir } from "../agent/harness.js";

t.test("an unfinished operation is resolved before the API answers", async (t) => {
  const dir = await tempDir(t);
  const stateDir = join(dir, "state");
  await mkdir(stateDir, { recursive: true });
  // The "first daemon": a bind that never finishes, its kernel saved after every write.
  const kernel = ec2Host();
  const stopSaving = persistKernel(kernel, join(stateDir, SIM_KERNEL_FILE));
  const first = new DriverEngine({
    sysfs: kernel.sysfs,
    journal: new FileJournal({ stateDir }),
    holders: kernel.holders,
    routes: { defaultRoutes: async () => kernel.defaultRoutes() },
    primary: { primary: async () => null },
    addresses: { addresses: async () => [] },
    kernelRelease: kernel.config.release,
  });
  await first.recover();
  const held = kernel.faults.blockWrite("bus/pci/drivers/vfio-pci/bind");
  const abandoned = first
    .bind("0000:00:06.0" as PciAddress, "vfio-pci" as DriverName)
    .catch(() => null);
  await held.whenFired();
  stopSaving(); // the kill: nothing this process does from now on reaches the "host"
  const [open] = first.operations();
  t.equal(open?.status, "running");
  const id = open!.header.id;

  const h = await agentHarness(t, { dir, persist: true, start: false });
  t.equal(h.host.kernel.device("0000:00:06.0")?.driver, null, "the saved host is half-way");
  const client = connectAgent({ socketPath: h.socket }, { deadlineMs: 1_000 });
  t.teardown(() => client.close());
  const starting = h.agent.start();
  // Ask as early as possible, again and again, until the daemon answers.
  let answer: Awaited<ReturnType<typeof client.getOperation>> | null = null;
  while (answer === null) {
    answer = await client.getOperation(id).catch(() => null);
    if (answer === null) await new Promise((r) => setTimeout(r, 2));
  }
  await starting;
  t.equal(
    answer.status,
    "OPERATION_STATUS_ROLLED_BACK",
    "the first answer already shows it resolved",
  );
  const dev = h.host.kernel.device("0000:00:06.0");
  t.equal(dev?.driver, "ena");
  t.equal(dev?.driverOverride, null);
  const order = h.logs.map((l) => l.msg);
  const recovered = order.indexOf("recovered operation");
  t.ok(
    recovered >= 0 && recovered < order.indexOf("gRPC server listening"),
    "recovery was logged before the listener",
  );
  await h.agent.stop();
  held.release();
  await abandoned;
});
