/**
 * The inventory on this machine's real /sys (read only), checked against
 * what node:fs reads directly from the same files.
 */
import { existsSync, readdirSync } from "node:fs";
import t from "tap";
import { scanInventory } from "../../src/sysfs/inventory.js";
import { RealSysfs } from "../../src/sysfs/real-sysfs.js";
import { HOST_PCI_DEVICES as DEVICES, hostView } from "./host-view.js";

const skip = existsSync(DEVICES) ? false : "no /sys/bus/pci on this machine";

t.test(
  "lists every PCI device of this host with its driver and interfaces",
  { skip },
  async (t) => {
    const entries = readdirSync(DEVICES).sort();
    const inventory = await scanInventory(new RealSysfs());
    t.same(
      inventory.devices.map((d) => d.address),
      entries,
      "every entry of /sys/bus/pci/devices",
    );
    for (const device of inventory.devices) {
      const host = hostView(device.address);
      t.equal(device.driver, host.driver, `${device.address} driver`);
      t.equal(device.vendor, host.vendor, `${device.address} vendor`);
      t.same(
        device.interfaces.map((i) => i.name),
        host.interfaces,
        `${device.address} interfaces`,
      );
    }
  },
);
