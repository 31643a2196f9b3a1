/**
 * Inventory cost against the number of devices: scaledHost(n) materialized
 * on tmpfs, scanned through RealSysfs, with the reads a daemon
 * uses and with the blocking reads `eni-agent status` uses. The "floor" case
 * reads the same files with plain synchronous node:fs calls and no parsing:
 * the ratio to it is the inventory's own overhead.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { scaledHost } from "../../src/sim/index.js";
import { scanInventory } from "../../src/sysfs/inventory.js";
import { RealSysfs } from "../../src/sysfs/real-sysfs.js";
import { type BenchCase, defineBench } from "../support/bench.js";
import { benchTempDir, removeTree, writeSimHost } from "../support/sim-host.js";

const SIZES = [10, 100, 1000] as const;
const roots = new Map<number, string>();
let tmp = "";

/** The files an inventory reads for each device, read the plainest way. */
function floorScan(sys: string): number {
  const devices = join(sys, "bus/pci/devices");
  let bytes = 0;
  for (const address of readdirSync(devices)) {
    const dir = join(devices, address);
    const names = readdirSync(dir);
    for (const f of ["uevent", "revision", "numa_node", "driver_override"]) {
      if (names.includes(f)) bytes += readFileSync(join(dir, f)).length;
    }
    if (names.includes("iommu_group")) readlinkSync(join(dir, "iommu_group"));
    if (names.includes("net")) {
      for (const ifname of readdirSync(join(dir, "net"))) {
        for (const f of ["address", "mtu", "operstate"]) {
          bytes += readFileSync(join(dir, "net", ifname, f)).length;
        }
      }
    }
  }
  return bytes;
}

async function expectDevices(sysfs: RealSysfs, n: number): Promise<void> {
  const inventory = await scanInventory(sysfs);
  if (inventory.devices.length !== n) {
    throw new Error(`expected ${n} devices, scanned ${inventory.devices.length}`);
  }
}

export default defineBench({
  title: "Device inventory on a simulated host",
  adapter: "RealSysfs on tmpfs (/dev/shm), scaledHost(n) written by the simulator's materialize()",
  samples: 20,
  warmup: 2,
  async setup() {
    tmp = benchTempDir("inventory");
    for (const n of SIZES) {
      const { sys } = await writeSimHost(scaledHost(n), join(tmp, String(n)));
      roots.set(n, sys);
    }
  },
  async teardown() {
    removeTree(tmp);
  },
  cases(): BenchCase[] {
    const cases: BenchCase[] = [];
    for (const n of SIZES) {
      const root = roots.get(n)!;
      const pooled = new RealSysfs({ root });
      const blocking = new RealSysfs({ root, blockingReads: true });
      cases.push(
        { name: `${n} devices, daemon reads`, run: () => expectDevices(pooled, n) },
        { name: `${n} devices, blocking reads`, run: () => expectDevices(blocking, n) },
        { name: `${n} devices, floor (plain sync reads)`, run: () => void floorScan(root) },
      );
    }
    return cases;
  },
  baselines: Object.fromEntries(
    SIZES.flatMap((n) => [
      [`${n} devices, daemon reads`, `${n} devices, floor (plain sync reads)`],
      [`${n} devices, blocking reads`, `${n} devices, floor (plain sync reads)`],
    ]),
  ),
  targets: [
    { case: "1000 devices, daemon reads", maxMedianMs: 100 },
    { case: "1000 devices, blocking reads", maxMedianMs: 100 },
  ],
  notes: [
    "Per device the scan lists the device directory and reads uevent (ids, class, driver in one read), revision, numa_node and driver_override, plus per interface address, mtu and operstate: about nine system-call groups. The floor case makes the same reads (without the interface ones) with no parsing at all, so it bounds what any code could reach on the machine.",
    "System calls dominate: on this class of machine (2 vCPU microVM) an open+read+close of a tmpfs file costs about 5 µs unloaded and several times that under load, so 1,000 devices cost 50–150 ms in system calls alone; blocking reads stay within about 1.3–1.5× of the floor.",
    "Daemon reads (the daemon's default): only the reads that may wait on a lock, driver_override and uevent (the device lock) and a netdev's address (dev_addr_sem), go through libuv's thread pool, one round trip each; listing, links, opens and the attributes shown without a sleeping lock are synchronous system calls (docs/driver.md, Reads that may block). A read held up by the device lock (during a probe, or a vfio remove waiting for user space) never freezes the daemon's event loop.",
    "Before that change every call took the pool, a read two round trips (open, then read) and a third to close: same machine, back to back, `npm run bench -- sysfs/inventory` with the previous RealSysfs (commit 44993a9), medians: 10 devices 4.14 ms, 100 devices 14.63 ms, 1000 devices 293.38 ms (3.82× the floor); after: 1.36, 13.49 and 145.20 ms (1.93×). The goal of 100 ms at 1,000 devices is still missed by the daemon's reads: three pool reads per device with an interface remain, and the blocking case itself measured 105 ms in these runs (92.8 ms on a quieter day), within 1.4× of a floor of 75 ms of bare system calls.",
  ],
});
