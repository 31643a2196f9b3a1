/**
 * The simulated kernel's whole state as plain JSON: what `SimKernel.snapshot()`
 * returns and `SimKernel.fromState()` accepts. A child process can load it,
 * act, save it, and a fresh process can continue from the saved copy; that is
 * how crash tests of the driver layer survive `kill -9`.
 *
 * Everything the sysfs tree shows is derived from this record; nothing else
 * is kept between writes except in-flight promises (blocked writes) and test
 * hooks (fault rules, listeners), which do not survive a snapshot.
 */

/** The kernel's wildcard in PCI id tables (`PCI_ANY_ID`). */
export const PCI_ANY_ID = 0xffffffff;

/** One entry of a driver's id table, static or dynamic (`new_id`). */
export interface SimPciId {
  vendor: number;
  device: number;
  subvendor: number;
  subdevice: number;
  /** 24-bit class code, compared under `classMask`. */
  class: number;
  classMask: number;
  driverData: number;
}

/**
 * What a successful probe of this driver creates:
 * - "netdev": an interface under `<bdf>/net/<ifname>` (ena, e1000e);
 * - "virtio-net": a `virtio<N>` child with the interface under it (virtio-pci);
 * - "vfio": `vfio-dev/vfio<N>`, a vfio group and its /dev node (vfio-pci);
 * - "uio": `uio/uio<N>`, `class/uio/uio<N>` and /dev/uio<N> (uio_pci_generic, igb_uio);
 * - "plain": nothing visible beyond the driver link (nvme, pcieport, ahci).
 */
type SimBindingKind = "netdev" | "virtio-net" | "vfio" | "uio" | "plain";

/** A PCI driver the simulated host knows about (whether or not its module is loaded). */
export interface SimDriverSpec {
  /** The name under bus/pci/drivers, e.g. "vfio-pci". */
  name: string;
  /** The module providing it, e.g. "vfio_pci"; null for a built-in driver. */
  module: string | null;
  /** Static id table; empty for drivers that bind only by override or new_id. */
  ids: SimPciId[];
  kind: SimBindingKind;
  /** MTU of a freshly registered interface, in bytes. Default 1500. */
  defaultMtu?: number;
}

/** Kernel build and boot configuration; fixed for the life of a host. */
export interface SimKernelConfig {
  /** `uname -r`, informative. */
  release: string;
  /**
   * "modern" (5.14+): bind returns EBUSY for a bound device and the probe's
   * errno (EPROBE_DEFER as EAGAIN). "pre-5.14": every bind failure is ENODEV.
   */
  errnoStyle: "modern" | "pre-5.14";
  /** A hardware IOMMU is present and enabled: devices have permanent groups. */
  iommu: boolean;
  /** vfio was built with CONFIG_VFIO_NOIOMMU (the module parameter exists). */
  noiommuSupported: boolean;
  /**
   * Interface naming: "kernel" gives the lowest free `eth<N>` (no udev);
   * "slot" gives `<slotPrefix><PCI device number>` (ens5 for 00:05.0), like
   * udev's predictable names on EC2, falling back to `eth<N>` on a clash.
   */
  naming: "kernel" | "slot";
  /** Prefix for "slot" naming. Default "ens". */
  slotPrefix?: string;
  /**
   * 5.19 kernels before a Sept-2022 fix: a lone NUL byte written to
   * driver_override set an empty override that matches no driver, instead
   * of clearing it. Default false.
   */
  nulOverrideQuirk?: boolean;
}

interface SimNetdevState {
  name: string;
  ifindex: number;
  mtu: number;
  operstate: "up" | "down";
}

export interface SimVfioState {
  /** N of `vfio-dev/vfio<N>`, the lowest free at bind time. */
  index: number;
  /** The iommu group: the device's own, or one vfio allocated in no-IOMMU mode. */
  group: number;
  noiommu: boolean;
}

export interface SimDeviceState {
  /** "dddd:bb:dd.f", lower case, the kernel's device name. */
  address: string;
  /** The bridge this device sits behind, or null on the root bus. */
  parent: string | null;
  vendor: number;
  device: number;
  subsystemVendor: number;
  subsystemDevice: number;
  /** 24-bit class code, e.g. 0x020000 (Ethernet). */
  class: number;
  revision: number;
  /** -1 when the platform gives no NUMA affinity. */
  numaNode: number;
  irq: number;
  /** Hardware MAC a network driver reads at probe; null for non-network devices. */
  mac: string | null;
  /** Permanent iommu group when the host has an IOMMU, else null. */
  iommuGroup: number | null;
  driver: string | null;
  /** null when unset (reads "(null)"). */
  driverOverride: string | null;
  /** `enable` shows the PCI enable count. */
  enable: number;
  powerState: "D0" | "D3hot";
  net: SimNetdevState | null;
  /** N of the `virtio<N>` child while virtio-pci holds the device. */
  virtio: number | null;
  vfio: SimVfioState | null;
  /** N of `uio<N>` while a uio driver holds the device. */
  uio: number | null;
  /**
   * An unbind is waiting for user space to close a vfio device fd: the
   * driver links are gone, but the driver still owns the device.
   */
  releasing: boolean;
}

/** An open descriptor of a simulated process. */
export interface SimFdState {
  fd: number;
  /** Absolute device node path, e.g. "/dev/vfio/noiommu-0". */
  node: string;
  /** For a vfio device fd (anonymous inode, obtained through the group): the device. */
  vfioDevice?: string;
  /** The node was removed while open; /proc shows "<node> (deleted)". */
  deleted?: boolean;
}

export interface SimProcessState {
  pid: number;
  command: string;
  fds: SimFdState[];
}

export interface SimRouteState {
  family: 4 | 6;
  interface: string;
  gateway: string | null;
  metric: number;
}

/** A probe that will fail: the next `count` probes of `device` (by `driver`, if given). */
interface SimProbeFaultState {
  device: string;
  driver: string | null;
  /** errno name the probe returns, e.g. "EIO" or "EPROBE_DEFER". */
  errno: string;
  /** Remaining failures; -1 for every probe. */
  count: number;
}

export interface SimKernelState {
  format: 1;
  config: SimKernelConfig;
  /** Every driver the host knows, by name; loaded or not. */
  catalog: Record<string, SimDriverSpec>;
  /** Loaded modules in load order; built-in drivers are always registered. */
  modules: string[];
  /** Registered driver names in registration order (first registered wins a probe). */
  drivers: string[];
  /** Dynamic ids (new_id) per registered driver, in insertion order. */
  dynids: Record<string, SimPciId[]>;
  /** Present devices in bus order. */
  devices: SimDeviceState[];
  /** Devices removed through sysfs `remove`; a rescan brings them back. */
  removed: SimDeviceState[];
  /** `bus/pci/drivers_autoprobe`. */
  autoprobe: boolean;
  /** vfio's `enable_unsafe_noiommu_mode`. */
  noiommuMode: boolean;
  nextIfindex: number;
  nextPid: number;
  processes: SimProcessState[];
  routes: SimRouteState[];
  probeFaults: SimProbeFaultState[];
}
