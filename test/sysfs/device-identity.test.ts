import t from "tap";
import { AgentError } from "../../src/common/index.js";
import { parsePciUevent, readIdentity } from "../../src/sysfs/device-identity.js";
import type { Sysfs } from "../../src/sysfs/sysfs.js";

t.test("a PCI uevent gives ids, class and driver", async (t) => {
  const text =
    "DRIVER=ena\nPCI_CLASS=20000\nPCI_ID=1D0F:EC20\nPCI_SUBSYS_ID=1D0F:EC20\n" +
    "PCI_SLOT_NAME=0000:00:05.0\nMODALIAS=pci:v00001D0Fd0000EC20sv00001D0Fsd0000EC20bc02sc00i00\n";
  t.same(parsePciUevent(text), {
    vendor: "1d0f",
    device: "ec20",
    subsystemVendor: "1d0f",
    subsystemDevice: "ec20",
    classCode: "020000",
    driver: "ena",
  });
  const unbound = parsePciUevent("PCI_CLASS=60000\nPCI_ID=8086:1237\nPCI_SLOT_NAME=0000:00:00.0\n");
  t.same(unbound, {
    vendor: "8086",
    device: "1237",
    subsystemVendor: null,
    subsystemDevice: null,
    classCode: "060000",
    driver: null,
  });
  t.equal(parsePciUevent("INTERFACE=eth0\nIFINDEX=2\n"), null, "not a PCI device's uevent");
  t.equal(parsePciUevent("PCI_CLASS=zz\nPCI_ID=8086:1237\n"), null);
});

/** A port that serves a fixed set of files and counts reads. */
function fakeSysfs(files: Record<string, string>, links: Record<string, string> = {}) {
  const reads: string[] = [];
  const missing = (op: string, path: string) =>
    new AgentError("NOT_FOUND", `${op} ${path}: ENOENT`, { errno: "ENOENT", syscall: op, path });
  const sysfs: Sysfs = {
    description: "fake",
    read: async (path) => {
      reads.push(path);
      const text = files[path];
      if (text === undefined) throw missing("read", path);
      return text;
    },
    readlink: async (path) => {
      reads.push(path);
      const target = links[path];
      if (target === undefined) throw missing("readlink", path);
      return target;
    },
    list: async (path) => {
      throw missing("list", path);
    },
    exists: async () => false,
    write: async () => {},
  };
  return { sysfs, reads };
}

t.test("one read of uevent replaces six", async (t) => {
  const { sysfs, reads } = fakeSysfs({
    "d/uevent": "DRIVER=ena\nPCI_CLASS=20000\nPCI_ID=1D0F:EC20\nPCI_SUBSYS_ID=1D0F:EC20\n",
  });
  const has = new Set(["uevent", "vendor", "device", "class", "driver"]);
  t.equal((await readIdentity(sysfs, "d", has))?.driver, "ena");
  t.same(reads, ["d/uevent"]);
});

t.test("without a usable uevent, the separate attributes are read", async (t) => {
  const { sysfs, reads } = fakeSysfs(
    {
      "d/uevent": "garbage\n",
      "d/vendor": "0x1d0f\n",
      "d/device": "0xec21\n",
      "d/class": "0x020000\n",
      "d/subsystem_vendor": "0x1d0f\n",
    },
    { "d/driver": "../../../bus/pci/drivers/vfio-pci" },
  );
  const has = new Set(["uevent", "vendor", "device", "class", "subsystem_vendor", "driver"]);
  t.same(await readIdentity(sysfs, "d", has), {
    vendor: "1d0f",
    device: "ec21",
    subsystemVendor: "1d0f",
    subsystemDevice: null,
    classCode: "020000",
    driver: "vfio-pci",
  });
  t.ok(reads.includes("d/driver"));
});

t.test("a device whose uevent vanished is gone", async (t) => {
  const { sysfs } = fakeSysfs({});
  t.equal(await readIdentity(sysfs, "d", new Set(["uevent"])), null);
});
