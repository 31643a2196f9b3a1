import t from "tap";
import type { PciAddress } from "../../src/common/index.js";
import { allocateContainer, type PoolDevice, parseResourceName } from "../../src/kubelet/index.js";

const resource = parseResourceName("eni-agent.io/ena_dpdk");
// The SR-IOV plugin keeps "-" in the name; only "." becomes "_".
const ENV = "PCIDEVICE_ENI-AGENT_IO_ENA_DPDK";
const pool = (devices: Partial<PoolDevice>[]) =>
  new Map(
    devices.map((d) => [
      d.id as string,
      { health: "Healthy", numaNode: 0, driver: "vfio-pci", devNode: null, ...d } as PoolDevice,
    ]),
  );

t.test("vfio with an IOMMU: the container node and each group once", async (t) => {
  const devices = pool([
    { id: "0000:00:06.0" as PciAddress, devNode: "/dev/vfio/11" },
    { id: "0000:00:07.0" as PciAddress, devNode: "/dev/vfio/11" },
  ]);
  const answer = allocateContainer(resource, ["0000:00:07.0", "0000:00:06.0"], devices);
  t.same(answer.devices, [
    { containerPath: "/dev/vfio/vfio", hostPath: "/dev/vfio/vfio", permissions: "rw" },
    { containerPath: "/dev/vfio/11", hostPath: "/dev/vfio/11", permissions: "rw" },
  ]);
  t.equal(answer.envs?.[ENV], "0000:00:07.0,0000:00:06.0");
  t.same(JSON.parse(answer.envs?.[`${ENV}_INFO`] ?? "{}")["0000:00:06.0"], {
    generic: { deviceID: "0000:00:06.0" },
    vfio: { mount: "/dev/vfio/vfio", "dev-mount": "/dev/vfio/11" },
  });
});

t.test("uio: its node, and no vfio container node", async (t) => {
  const devices = pool([
    { id: "0000:00:08.0" as PciAddress, driver: "uio_pci_generic", devNode: "/dev/uio0" },
  ]);
  const answer = allocateContainer(resource, ["0000:00:08.0"], devices);
  t.same(answer.devices, [
    { containerPath: "/dev/uio0", hostPath: "/dev/uio0", permissions: "rw" },
  ]);
  t.same(JSON.parse(answer.envs?.[`${ENV}_INFO`] ?? "{}")["0000:00:08.0"].uio, {
    mount: "/dev/uio0",
  });
});

t.test("a device not in the pool, not healthy, or with an odd node is refused", async (t) => {
  const devices = pool([
    { id: "0000:00:06.0" as PciAddress, devNode: "/dev/vfio/1", health: "Unhealthy" },
    { id: "0000:00:07.0" as PciAddress, devNode: "/dev/../etc/passwd" },
  ]);
  t.throws(() => allocateContainer(resource, ["0000:00:05.0"], devices), {
    code: "FAILED_PRECONDITION",
  });
  t.throws(() => allocateContainer(resource, ["0000:00:06.0"], devices), {
    code: "FAILED_PRECONDITION",
  });
  t.throws(() => allocateContainer(resource, ["0000:00:07.0"], devices), { code: "INTERNAL" });
});
