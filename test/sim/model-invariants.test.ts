/**
 * Property: whatever sequence of sysfs writes user space makes, the
 * simulated host stays coherent as the port shows it (driver link and the
 * driver's device link agree, netdevs exist exactly for devices on a network
 * driver, vfio and uio nodes exactly for devices on those drivers, names and
 * indexes unique).
 */
import fc from "fast-check";
import t from "tap";
import { ec2Host, qemuGuestHost, type SimKernel } from "../../src/sim/index.js";
import type { Sysfs } from "../../src/sysfs/sysfs.js";

const NET_DRIVERS = new Set(["e1000e", "virtio-pci", "ena"]);

async function links(sysfs: Sysfs, dir: string): Promise<string[]> {
  return (await sysfs.exists(dir)) ? sysfs.list(dir) : [];
}

/** Problems with the host as the port shows it; empty when coherent. */
async function incoherence(k: SimKernel): Promise<string[]> {
  const s = k.sysfs;
  const problems: string[] = [];
  const drivers = await s.list("bus/pci/drivers");
  const nets: string[] = [];
  const vfioGroups = new Set<string>();
  const uios: string[] = [];
  for (const dev of await s.list("bus/pci/devices")) {
    const dir = `bus/pci/devices/${dev}`;
    const entries = await s.list(dir);
    const driver = entries.includes("driver")
      ? (await s.readlink(`${dir}/driver`)).split("/").pop()!
      : null;
    for (const d of drivers) {
      const listed = (await s.list(`bus/pci/drivers/${d}`)).includes(dev);
      if (listed !== (driver === d))
        problems.push(`${dev}: driver ${driver}, listed under ${d}: ${listed}`);
    }
    const ownNets = [
      ...(entries.includes("net") ? await s.list(`${dir}/net`) : []),
      ...(
        await Promise.all(
          entries.filter((e) => /^virtio\d+$/.test(e)).map((e) => links(s, `${dir}/${e}/net`)),
        )
      ).flat(),
    ];
    nets.push(...ownNets);
    if (ownNets.length > 0 !== (driver !== null && NET_DRIVERS.has(driver))) {
      problems.push(`${dev}: driver ${driver} with netdevs [${ownNets}]`);
    }
    if (entries.includes("vfio-dev") !== (driver === "vfio-pci"))
      problems.push(`${dev}: vfio-dev vs ${driver}`);
    if (driver === "vfio-pci") {
      const group = (await s.readlink(`${dir}/iommu_group`)).split("/").pop()!;
      vfioGroups.add(k.config.iommu ? group : `noiommu-${group}`);
    }
    if (entries.includes("uio") !== (driver === "uio_pci_generic"))
      problems.push(`${dev}: uio vs ${driver}`);
    if (entries.includes("uio")) uios.push(...(await s.list(`${dir}/uio`)));
    const ovr = await s.read(`${dir}/driver_override`);
    if (!ovr.endsWith("\n") || ovr.slice(0, -1).includes("\n"))
      problems.push(`${dev}: override ${JSON.stringify(ovr)}`);
  }
  const classNet = (await s.list("class/net")).filter((n) => n !== "lo");
  if (JSON.stringify([...nets].sort()) !== JSON.stringify(classNet))
    problems.push(`class/net ${classNet} vs [${nets}]`);
  if (new Set(nets).size !== nets.length) problems.push(`duplicate names [${nets}]`);
  const devVfio = k.devNodes().filter((n) => n.startsWith("/dev/vfio/") && n !== "/dev/vfio/vfio");
  const wantVfio = [...vfioGroups].map((g) => `/dev/vfio/${g}`).sort();
  if (JSON.stringify(devVfio) !== JSON.stringify(wantVfio))
    problems.push(`/dev/vfio [${devVfio}] vs [${wantVfio}]`);
  const devUio = k.devNodes().filter((n) => n.startsWith("/dev/uio"));
  if (JSON.stringify(devUio) !== JSON.stringify(uios.sort().map((u) => `/dev/${u}`)))
    problems.push(`/dev/uio* [${devUio}] vs [${uios}]`);
  if (JSON.stringify((await s.list("class/uio")).sort()) !== JSON.stringify(uios.sort()))
    problems.push("class/uio");
  return problems;
}

type Write = { path: string; value: string };

/** What a driver switch looks like: override, unbind from whatever driver, bind. */
function move(address: string, driver: string): Write[] {
  return [
    { path: `bus/pci/devices/${address}/driver_override`, value: driver },
    { path: `bus/pci/devices/${address}/driver/unbind`, value: address },
    { path: `bus/pci/drivers/${driver}/bind`, value: address },
  ];
}

function writes(addresses: string[], drivers: string[], ids: string[]): fc.Arbitrary<Write[]> {
  const address = fc.constantFrom(...addresses, "0000:09:00.0", "garbage");
  const driver = fc.constantFrom(...drivers);
  const ovr = fc.constantFrom(...drivers, "\n", "\0", "", "no-such-driver", "vfio_pci");
  const single: fc.Arbitrary<Write> = fc.oneof(
    fc
      .record({ d: driver, a: address })
      .map(({ d, a }) => ({ path: `bus/pci/drivers/${d}/bind`, value: a })),
    fc
      .record({ d: driver, a: address })
      .map(({ d, a }) => ({ path: `bus/pci/drivers/${d}/unbind`, value: a })),
    fc.record({ a: fc.constantFrom(...addresses), o: ovr }).map(({ a, o }) => ({
      path: `bus/pci/devices/${a}/driver_override`,
      value: o,
    })),
    address.map((a) => ({ path: "bus/pci/drivers_probe", value: a })),
    fc
      .record({ d: driver, i: fc.constantFrom(...ids) })
      .map(({ d, i }) => ({ path: `bus/pci/drivers/${d}/new_id`, value: i })),
    fc
      .record({ d: driver, i: fc.constantFrom(...ids) })
      .map(({ d, i }) => ({ path: `bus/pci/drivers/${d}/remove_id`, value: i })),
    fc.constantFrom(...addresses).map((a) => ({ path: `bus/pci/devices/${a}/remove`, value: "1" })),
    fc.constant({ path: "bus/pci/rescan", value: "1" }),
  );
  return fc.oneof(
    single.map((w) => [w]),
    fc.record({ a: fc.constantFrom(...addresses), d: driver }).map(({ a, d }) => move(a, d)),
  );
}

const HOSTS = [
  {
    name: "qemu guest, IOMMU",
    make: () => qemuGuestHost({ mode: "iommu" }),
    addresses: ["0000:01:00.0", "0000:02:00.0", "0000:03:00.0", "0000:04:00.0", "0000:00:10.0"],
    drivers: ["e1000e", "vfio-pci", "uio_pci_generic", "virtio-pci", "pcieport"],
    ids: ["8086 10d3", "1af4 1041", "8086 10d3 ffffffff ffffffff 0 0 0"],
  },
  {
    name: "EC2, no-IOMMU",
    make: () => ec2Host(),
    addresses: ["0000:00:05.0", "0000:00:06.0", "0000:00:07.0", "0000:00:04.0"],
    drivers: ["ena", "vfio-pci", "uio_pci_generic", "nvme"],
    ids: ["1d0f ec20", "1d0f 8061"],
  },
];

for (const host of HOSTS) {
  t.test(`random writes never leave the model incoherent (${host.name})`, async (t) => {
    const steps = fc.array(writes(host.addresses, host.drivers, host.ids), { maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(steps, async (batches) => {
        const k = host.make();
        for (const w of batches.flat()) {
          await k.sysfs.write(w.path, w.value).catch(() => {});
          const problems = await incoherence(k);
          if (problems.length > 0) {
            throw new Error(`after ${w.path} ← ${JSON.stringify(w.value)}: ${problems.join("; ")}`);
          }
        }
      }),
      { numRuns: 80 },
    );
    t.pass("coherent");
  });
}
