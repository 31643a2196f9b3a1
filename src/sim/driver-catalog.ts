/**
 * The PCI drivers a simulated host knows, with static id tables as the real
 * modules declare them (abridged to the ids the simulated hardware uses).
 * The DPDK-side drivers (vfio-pci, uio_pci_generic, igb_uio) match nothing
 * on their own: they bind only through `driver_override` or `new_id`.
 */
import { PCI_ANY_ID, type SimDriverSpec, type SimPciId } from "./sim-state.js";

/** An id-table entry like the kernel's PCI_DEVICE()/PCI_VDEVICE() macros. */
export function pciId(vendor: number, device: number, driverData = 0): SimPciId {
  return {
    vendor,
    device,
    subvendor: PCI_ANY_ID,
    subdevice: PCI_ANY_ID,
    class: 0,
    classMask: 0,
    driverData,
  };
}

/** An id-table entry like PCI_DEVICE_CLASS(): any vendor/device of that class. */
export function pciClassId(classCode: number, classMask = 0xffffff): SimPciId {
  return {
    vendor: PCI_ANY_ID,
    device: PCI_ANY_ID,
    subvendor: PCI_ANY_ID,
    subdevice: PCI_ANY_ID,
    class: classCode,
    classMask,
    driverData: 0,
  };
}

const AMAZON = 0x1d0f;
const INTEL = 0x8086;
const REDHAT_VIRTIO = 0x1af4;

/** Every driver the simulator can load, by driver name. */
export function defaultCatalog(): Record<string, SimDriverSpec> {
  const specs: SimDriverSpec[] = [
    // drivers/net/ethernet/amazon/ena: PF and VF ids, with and without LLQ.
    {
      name: "ena",
      module: "ena",
      kind: "netdev",
      ids: [0x0ec2, 0x1ec2, 0xec20, 0xec21].map((d) => pciId(AMAZON, d)),
    },
    // e1000e's table is long; the 82574L (what qemu emulates) and neighbours.
    {
      name: "e1000e",
      module: "e1000e",
      kind: "netdev",
      ids: [0x10d3, 0x10f6, 0x150c, 0x10ea].map((d) => pciId(INTEL, d)),
    },
    // virtio-pci takes every virtio device; virtio_net then makes the netdev.
    {
      name: "virtio-pci",
      module: "virtio_pci",
      kind: "virtio-net",
      ids: [pciId(REDHAT_VIRTIO, PCI_ANY_ID)],
    },
    { name: "nvme", module: "nvme", kind: "plain", ids: [pciClassId(0x010802)] },
    { name: "ahci", module: "ahci", kind: "plain", ids: [pciClassId(0x010601)] },
    // PCIe root and downstream ports are claimed by the built-in port driver.
    { name: "pcieport", module: null, kind: "plain", ids: [pciClassId(0x060400)] },
    { name: "vfio-pci", module: "vfio_pci", kind: "vfio", ids: [] },
    { name: "uio_pci_generic", module: "uio_pci_generic", kind: "uio", ids: [] },
    { name: "igb_uio", module: "igb_uio", kind: "uio", ids: [] },
  ];
  return Object.fromEntries(specs.map((s) => [s.name, s]));
}

/** Modules a module needs loaded first (what modprobe resolves from modules.dep). */
export const MODULE_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  vfio_pci: ["vfio"],
  uio_pci_generic: ["uio"],
  igb_uio: ["uio"],
};
