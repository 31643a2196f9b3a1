/**
 * What a restore from vfio-pci does about processes using the device (issue
 * 18): the kernel's enable count is read first; /proc is read only to name
 * the holder of a device the kernel shows open.
 */
import t from "tap";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import type { HolderScanner } from "../../src/sysfs/index.js";
import { harness } from "./engine-harness.js";

const DEVICE = "0000:00:06.0" as PciAddress;
const NODE = "/dev/vfio/noiommu-0";

/** A scanner that counts the scans it is asked for. */
function counted(real: HolderScanner): { scanner: HolderScanner; scans: () => number } {
  let scans = 0;
  return {
    scanner: {
      holders: (nodes) => real.holders(nodes),
      scan: (nodes, options) => {
        scans += 1;
        return real.scan(nodes, options);
      },
    },
    scans: () => scans,
  };
}

/** A scanner on a host too busy to read every process within the deadline. */
const outOfTime = (real: HolderScanner): HolderScanner => ({
  holders: (nodes) => real.holders(nodes),
  scan: async () => ({ status: "unproven", read: 3000, listed: 20_000, elapsedMs: 2000 }),
});

t.test("enable 0: the restore goes ahead without reading a single process", async (t) => {
  let scanCount = () => 0;
  const h = await harness(undefined, {
    holders: (real) => {
      const c = counted(real);
      scanCount = c.scans;
      return c.scanner;
    },
  });
  await h.engine.bind(DEVICE, "vfio-pci" as DriverName);
  // Holding only the group does not open the device: the kernel shows it
  // closed, and the unbind does not wait for the group's holder.
  const app = h.kernel.spawn("dpdk-testpmd");
  app.open(NODE);
  const restored = await h.engine.restore(DEVICE);
  t.equal(restored.status, "committed");
  t.same(restored.warnings, []);
  t.equal(scanCount(), 0, "no holder scan");
  t.equal(h.kernel.device(DEVICE)?.driver, "ena");
  t.equal(app.fds()[0]?.deleted, true, "the group holder's descriptor now points at nothing");
});

t.test("device open: refused naming the holder, before anything is written", async (t) => {
  const h = await harness();
  await h.engine.bind(DEVICE, "vfio-pci" as DriverName);
  const dpdk = h.kernel.spawn("dpdk-testpmd");
  dpdk.open(NODE);
  dpdk.openVfioDevice(DEVICE);
  const before = h.engine.operations().length;
  await t.rejects(h.engine.restore(DEVICE), {
    code: "FAILED_PRECONDITION",
    guard: "device-in-use",
    message: new RegExp(`pid ${dpdk.pid} \\(dpdk-testpmd\\) holds ${NODE}`),
  });
  t.equal(h.engine.operations().length, before, "nothing journaled");
  t.equal(h.kernel.device(DEVICE)?.driver, "vfio-pci", "still with vfio-pci");
  dpdk.exit();
  t.equal((await h.engine.restore(DEVICE)).status, "committed", "restores once it exits");
});

t.test("device open and the scan runs out of time: refused, holder unknown", async (t) => {
  const h = await harness(undefined, { holders: outOfTime });
  await h.engine.bind(DEVICE, "vfio-pci" as DriverName);
  const dpdk = h.kernel.spawn("dpdk-testpmd");
  dpdk.open(NODE);
  dpdk.openVfioDevice(DEVICE);
  await t.rejects(h.engine.restore(DEVICE), {
    code: "FAILED_PRECONDITION",
    guard: "device-in-use",
    message: new RegExp(
      `device ${DEVICE} is in use: the kernel shows its vfio device open \\(enable 1\\), holder unknown: no process of the 3000 read \\(of 20000\\) holds ${NODE}; the holder scan stopped after 2000 ms`,
    ),
  });
  t.equal(h.kernel.device(DEVICE)?.driver, "vfio-pci", "still with vfio-pci");
});

t.test("device open by a process that holds no group node: refused, holder unknown", async (t) => {
  const h = await harness();
  await h.engine.bind(DEVICE, "vfio-pci" as DriverName);
  const dpdk = h.kernel.spawn("dpdk-testpmd");
  const group = dpdk.open(NODE);
  dpdk.openVfioDevice(DEVICE);
  // The device fd keeps the device open after the group fd is closed.
  dpdk.close(group);
  await t.rejects(h.engine.restore(DEVICE), {
    guard: "device-in-use",
    message:
      /enable 1\), holder unknown: no process holds \/dev\/vfio\/noiommu-0 \(every one of the 1 read\)/,
  });
});
