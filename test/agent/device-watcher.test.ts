import t from "tap";
import { type DeviceChange, DeviceWatcher } from "../../src/agent/device-watcher.js";
import { ENA_HARDWARE, ec2Host } from "../../src/sim/index.js";
import type { Sysfs } from "../../src/sysfs/index.js";
import { eventually } from "./harness.js";

/** The simulator's sysfs, counting the attribute reads that only a full scan makes. */
function counting(sysfs: Sysfs): { sysfs: Sysfs; reads: () => number } {
  let reads = 0;
  return {
    sysfs: {
      description: sysfs.description,
      read: (path) => {
        reads += 1;
        return sysfs.read(path);
      },
      write: (path, data) => sysfs.write(path, data),
      readlink: (path) => sysfs.readlink(path),
      list: (path) => sysfs.list(path),
      exists: (path) => sysfs.exists(path),
    },
    reads: () => reads,
  };
}

t.test(
  "the watcher reports added, removed and rebound devices and reads nothing while idle",
  async (t) => {
    const kernel = ec2Host({ enis: 3 });
    const { sysfs, reads } = counting(kernel.sysfs);
    const reported: DeviceChange[][] = [];
    const rounds = { count: 0 };
    const watcher = new DeviceWatcher(
      {
        sysfs: {
          ...sysfs,
          list: (path) => {
            if (path === "bus/pci/devices") rounds.count += 1;
            return sysfs.list(path);
          },
        },
        managed: (d) => d.vendor === "1d0f" && d.device === "ec20",
        onChanges: (changes) => reported.push(changes),
      },
      { pollIntervalMs: () => 5 },
    );
    await watcher.start(AbortSignal.timeout(60_000));
    t.teardown(() => watcher.stop());
    t.equal(watcher.known().length, 3, "the baseline holds the managed devices");

    const before = reads();
    const at = rounds.count;
    await eventually(() => rounds.count >= at + 5);
    t.equal(reads(), before, "idle rounds list and readlink; no attribute is read");
    t.same(reported, [], "and report nothing");

    await kernel.sysfs.write("bus/pci/drivers/ena/unbind", "0000:00:06.0");
    await eventually(() => reported.length === 1);
    t.match(reported[0], [
      { kind: "driver_changed", from: "ena", device: { address: "0000:00:06.0", driver: null } },
    ]);

    await kernel.unplugDevice("0000:00:07.0");
    await eventually(() => reported.length === 2);
    t.match(reported[1], [{ kind: "removed", device: { address: "0000:00:07.0" } }]);

    kernel.addDevice({
      ...ENA_HARDWARE,
      address: "0000:00:09.0",
      irq: 0,
      mac: "02:4e:a0:00:00:09",
    });
    await eventually(() => reported.length === 3);
    t.match(reported[2], [{ kind: "added", device: { address: "0000:00:09.0" } }]);
    t.same(
      watcher.known().map((d) => d.address),
      ["0000:00:05.0", "0000:00:06.0", "0000:00:09.0"],
    );
  },
);
