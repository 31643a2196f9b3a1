/**
 * What a restore from vfio-pci does when the holder scan cannot prove the
 * device free in time (issue 18): the kernel's enable count decides, and the
 * result says what was not proven.
 */
import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import type { HolderScanner } from "../../src/sysfs/index.js";
import { harness } from "./engine-harness.js";

const DEVICE = "0000:00:06.0" as PciAddress;
const NODE = "/dev/vfio/noiommu-0";

/** A scanner on a host too busy to read every process within the deadline. */
const outOfTime = (real: HolderScanner): HolderScanner => ({
  holders: (nodes) => real.holders(nodes),
  scan: async () => ({ status: "unproven", read: 3000, listed: 20_000, elapsedMs: 2000 }),
});

t.test(
  "nobody has the device open: the restore goes ahead and says what it could not prove",
  async (t) => {
    const h = await harness(undefined, { holders: outOfTime });
    await h.engine.bind(DEVICE, "vfio-pci" as DriverName);
    const restored = await h.engine.restore(DEVICE);
    t.equal(restored.status, "committed");
    t.equal(h.kernel.device(DEVICE)?.driver, "ena");
    t.match(restored.warnings, [
      new RegExp(
        `could not prove device ${DEVICE} is free: no process of the 3000 read \\(of 20000\\) holds ${NODE}`,
      ),
    ]);
  },
);

t.test("a process has the vfio device open: refused before anything is written", async (t) => {
  const h = await harness(undefined, { holders: outOfTime });
  await h.engine.bind(DEVICE, "vfio-pci" as DriverName);
  const dpdk = h.kernel.spawn("dpdk-testpmd");
  dpdk.open(NODE);
  dpdk.openVfioDevice(DEVICE);
  const before = h.engine.operations().length;
  await t.rejects(h.engine.restore(DEVICE), {
    code: "FAILED_PRECONDITION",
    message: new RegExp(
      `device ${DEVICE} is in use: the kernel shows its vfio device open \\(enable 1\\)`,
    ),
  });
  t.equal(h.engine.operations().length, before, "nothing journaled");
  t.equal(h.kernel.device(DEVICE)?.driver, "vfio-pci", "still with vfio-pci");
  dpdk.exit();
  t.equal((await h.engine.restore(DEVICE)).status, "committed", "restores once it exits");
});

t.test("with a scan that proves, a group holder is still named and refused", async (t) => {
  const h = await harness();
  await h.engine.bind(DEVICE, "vfio-pci" as DriverName);
  const dpdk = h.kernel.spawn("dpdk-testpmd");
  dpdk.open(NODE);
  await t.rejects(h.engine.restore(DEVICE), {
    code: "FAILED_PRECONDITION",
    message: new RegExp(`pid ${dpdk.pid} \\(dpdk-testpmd\\) holds ${NODE}`),
  });
});
