import t from "tap";
import { parseConfig } from "../../src/agent/config-schema.js";
import { type PoolLookups, poolDevices } from "../../src/agent/device-pools.js";
import type { EniId, Mac, PciAddress } from "../../src/common/index.js";
import type { DeviceRecord } from "../../src/server/core-types.js";

const record = (n: number, over: Partial<DeviceRecord> = {}): DeviceRecord => ({
  pciAddress: `0000:00:0${n}.0` as PciAddress,
  vendorId: "1d0f",
  deviceId: "ec20",
  driver: "vfio-pci" as DeviceRecord["driver"],
  driverOverride: "vfio-pci",
  state: "dpdk",
  stateDetail: null,
  identity: {
    mac: `02:00:00:00:00:0${n}` as Mac,
    eniId: `eni-0000000${n}` as EniId,
    interfaceName: null,
    mtu: null,
    deviceNumber: n,
    networkCard: 0,
    recordedAt: null,
  },
  numaNode: 0,
  iommuGroup: null,
  management: false,
  desiredDriver: null,
  activeOperationId: null,
  holders: [],
  devNode: `/devroot/vfio/noiommu-${n}`,
  ...over,
});

const lookups = (over: Partial<PoolLookups> = {}): PoolLookups => ({
  subnetOf: () => "subnet-0aaaaaaaa",
  tagsOf: (eni) => (eni === ("eni-00000007" as EniId) ? { role: "dpdk" } : null),
  withdrawn: () => false,
  terminating: false,
  devRoot: "/devroot",
  ...over,
});

const pools = (json: unknown) =>
  parseConfig({ devicePlugin: { pools: json } }, "test").devicePlugin.pools;
const show = (out: Map<string, { id: string; health: string }[]>) =>
  Object.fromEntries([...out].map(([k, v]) => [k, v.map((d) => `${d.id}:${d.health}`)]));

t.test("a verified DPDK device is Healthy, with its node as the host names it", async (t) => {
  const out = poolDevices([record(6)], pools([{ resourceName: "x.io/a" }]), lookups());
  t.same(out.get("x.io/a"), [
    {
      id: "0000:00:06.0",
      health: "Healthy",
      numaNode: 0,
      driver: "vfio-pci",
      devNode: "/dev/vfio/noiommu-6",
    },
  ]);
});

t.test("kernel, unbound and foreign devices are no members", async (t) => {
  const records = [
    record(5, { driver: "ena" as DeviceRecord["driver"], state: "kernel" }),
    record(6, { driver: null, state: "unbound" }),
    record(7, { driver: "ixgbe" as DeviceRecord["driver"], state: "foreign" }),
  ];
  t.same(show(poolDevices(records, pools([{ resourceName: "x.io/a" }]), lookups())), {
    "x.io/a": [],
  });
});

t.test("moving, degraded, stuck, withdrawn or terminating members are Unhealthy", async (t) => {
  const p = pools([{ resourceName: "x.io/a" }]);
  const states = [
    record(5, { state: "transitioning", activeOperationId: "op-1" }),
    record(6, { state: "degraded" }),
    record(7, { state: "stuck" }),
    record(8),
    record(9, { devNode: null }),
  ];
  const out = poolDevices(states, p, lookups({ withdrawn: (d) => d === "0000:00:08.0" }));
  t.same(show(out)["x.io/a"], [
    "0000:00:05.0:Unhealthy",
    "0000:00:06.0:Unhealthy",
    "0000:00:07.0:Unhealthy",
    "0000:00:08.0:Unhealthy",
    "0000:00:09.0:Unhealthy",
  ]);
  t.same(show(poolDevices([record(6)], p, lookups({ terminating: true })))["x.io/a"], [
    "0000:00:06.0:Unhealthy",
  ]);
});

t.test("driver, subnet and tag split; first match wins; unknown tags match nothing", async (t) => {
  const p = pools([
    { resourceName: "x.io/uio", driver: "uio_pci_generic" },
    { resourceName: "x.io/tagged", eniTags: { role: "dpdk" } },
    { resourceName: "x.io/subnet", subnetIds: ["subnet-0aaaaaaaa"] },
    { resourceName: "x.io/other", subnetIds: ["subnet-0bbbbbbbb"] },
  ]);
  const records = [
    record(5, { driver: "uio_pci_generic" as DeviceRecord["driver"], devNode: "/devroot/uio0" }),
    record(6),
    record(7),
  ];
  t.same(show(poolDevices(records, p, lookups())), {
    "x.io/uio": ["0000:00:05.0:Healthy"],
    "x.io/tagged": ["0000:00:07.0:Healthy"],
    "x.io/subnet": ["0000:00:06.0:Healthy"],
    "x.io/other": [],
  });
  t.same(
    show(poolDevices([record(6)], p, lookups({ subnetOf: () => null })))["x.io/subnet"],
    [],
    "unknown subnet",
  );
});
