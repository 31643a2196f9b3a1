/**
 * The intents' device lookups by MAC share inventory scans: the lookups
 * of a sweep or a burst of status calls over n ENIs read the host once,
 * and a lookup never joins a scan that began before it asked.
 */
import t from "tap";
import { deviceLookup } from "../../src/agent/agent-intents.js";
import { AgentError, type PciAddress, parseMac } from "../../src/common/index.js";
import { ENA_HARDWARE, ec2Host, type SimKernel } from "../../src/sim/index.js";
import type { Sysfs } from "../../src/sysfs/index.js";

/** An engine whose journal moved no device. */
const NOT_FOUND = {
  resolve: async (): Promise<PciAddress> => {
    throw new AgentError("NOT_FOUND", "no device has this MAC");
  },
};

/** A host with `count` ENA devices of MACs 02:…:01, 02:…:02, … */
function hostWithEnis(count: number): SimKernel {
  const kernel = ec2Host();
  for (let i = 1; i <= count; i++) addEni(kernel, i);
  return kernel;
}

function addEni(kernel: SimKernel, i: number): void {
  kernel.addDevice({ ...ENA_HARDWARE, address: addressOf(i), mac: macOf(i) });
}

/** Slots from 0x10 on: the host's own devices sit below. */
const addressOf = (i: number) => `0000:00:${(0x10 + i).toString(16)}.0`;

const macOf = (i: number) => parseMac(`02:00:00:00:00:${i.toString(16).padStart(2, "0")}`);

/** Counts the scans (listings of bus/pci/devices); `hold` runs inside each after its listing. */
function counted(sysfs: Sysfs, hold: () => Promise<void> = async () => undefined) {
  const scans = { count: 0 };
  const port: Sysfs = {
    description: sysfs.description,
    read: (p) => sysfs.read(p),
    write: (p, d) => sysfs.write(p, d),
    readlink: (p) => sysfs.readlink(p),
    exists: (p) => sysfs.exists(p),
    list: async (p) => {
      const names = await sysfs.list(p);
      if (p === "bus/pci/devices") {
        scans.count++;
        await hold();
      }
      return names;
    },
  };
  return { port, scans };
}

t.test("lookups asked together share one scan, and each finds its device", async (t) => {
  const kernel = hostWithEnis(8);
  const { port, scans } = counted(kernel.sysfs);
  const lookup = deviceLookup(port, NOT_FOUND);
  const found = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => lookup(macOf(i))));
  t.equal(scans.count, 1, "one scan for 8 lookups");
  t.same(
    found.map((d) => d?.address),
    [1, 2, 3, 4, 5, 6, 7, 8].map(addressOf),
  );
  t.ok(found.every((d) => d?.driver === "ena" && d.onKernelDriver));
});

t.test(
  "a lookup asked while a scan runs waits for the next one, which sees later changes",
  async (t) => {
    const kernel = hostWithEnis(1);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    const { port, scans } = counted(kernel.sysfs, async () => {
      if (!first) return;
      first = false;
      await held;
    });
    const lookup = deviceLookup(port, NOT_FOUND);

    const early = lookup(macOf(2));
    while (scans.count === 0) await new Promise((resolve) => setImmediate(resolve));
    // The first scan has listed the host; the device arrives after that.
    addEni(kernel, 2);
    const late = lookup(macOf(2));
    release();
    t.equal(await early, null, "the scan that began before the device came does not see it");
    t.match(await late, { address: addressOf(2) }, "the lookup asked after it does");
    t.equal(scans.count, 2);
  },
);
