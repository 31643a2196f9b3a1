/**
 * Ready-made simulated hosts:
 * - ec2Host(): an EC2 Nitro instance as eni-agent meets it in the field;
 * - qemuGuestHost(): the qemu guest the kernel facts were observed on, in
 *   its three configurations, so the conformance suite can compare;
 * - scaledHost(): many ENA functions, for benchmarks.
 */
import { type SimDeviceSpec, SimKernel } from "./sim-kernel.js";
import type { SimKernelConfig } from "./sim-state.js";

const AMAZON = 0x1d0f;
const INTEL = 0x8086;
const ETHERNET = 0x020000;
const HOST_BRIDGE = 0x060000;
const ISA_BRIDGE = 0x060100;
const PCI_BRIDGE = 0x060400;

export interface Ec2HostOptions {
  /** ENA functions at 0000:00:05.0, 06.0, …; default 4 (ens5..ens8). */
  enis?: number;
  errnoStyle?: SimKernelConfig["errnoStyle"];
  /** vfio's unsafe no-IOMMU mode, on by default (EC2 has no IOMMU). */
  noiommu?: boolean;
  /**
   * An IOMMU (a metal instance): every ENA in its own group, numbered from
   * 10 in slot order. Default false.
   */
  iommu?: boolean;
  /** NUMA nodes the ENAs are spread over, round robin in slot order. Default 1. */
  numaNodes?: number;
}

/** The primary interface of ec2Host() (device-number 0, default route). */
export const EC2_PRIMARY = "0000:00:05.0";

/** The stable MAC of the ENA number `n` (its PCI slot on an ec2Host()), n < 65536. */
export function ec2Mac(n: number): string {
  const hex = n.toString(16).padStart(4, "0");
  return `02:4e:a0:00:${hex.slice(0, 2)}:${hex.slice(2)}`;
}

/**
 * An EC2-like instance: no IOMMU, vfio no-IOMMU mode on, predictable names
 * (ens5…), NUMA node 0; host bridge, ISA bridge, ACPI function, VGA and an
 * EBS NVMe controller at 00:00.0–00:04.0; ENAs (1d0f:ec20) from 00:05.0 on
 * `ena`, all up, MTU 9001; ens5 is the primary and carries the default routes.
 * vfio, vfio_pci, uio and uio_pci_generic are loaded; igb_uio is known but not.
 */
export function ec2Host(options: Ec2HostOptions = {}): SimKernel {
  const kernel = new SimKernel({
    config: {
      release: "6.1.0-ec2-sim",
      errnoStyle: options.errnoStyle ?? "modern",
      iommu: options.iommu ?? false,
      noiommuSupported: true,
      naming: "slot",
      slotPrefix: "ens",
    },
  });
  const base = { numaNode: 0 };
  kernel.addDevice({
    ...base,
    address: "0000:00:00.0",
    vendor: INTEL,
    device: 0x1237,
    class: HOST_BRIDGE,
  });
  kernel.addDevice({
    ...base,
    address: "0000:00:01.0",
    vendor: INTEL,
    device: 0x7000,
    class: ISA_BRIDGE,
  });
  kernel.addDevice({
    ...base,
    address: "0000:00:01.3",
    vendor: INTEL,
    device: 0x7113,
    class: 0x068000,
  });
  kernel.addDevice({
    ...base,
    address: "0000:00:03.0",
    vendor: AMAZON,
    device: 0x1111,
    class: 0x030000,
  });
  kernel.addDevice({
    ...base,
    address: "0000:00:04.0",
    vendor: AMAZON,
    device: 0x8061,
    class: 0x010802,
    irq: 11,
  });
  const count = options.enis ?? 4;
  const numaNodes = options.numaNodes ?? 1;
  for (let i = 0; i < count; i++) {
    kernel.addDevice({
      ...enaSpec(5 + i, 0, i % numaNodes),
      iommuGroup: options.iommu ? 10 + i : null,
    });
  }
  kernel.loadModule("nvme");
  kernel.loadModule("ena");
  kernel.loadModule("vfio", { enable_unsafe_noiommu_mode: options.noiommu ?? true });
  kernel.loadModule("vfio_pci");
  kernel.loadModule("uio_pci_generic");
  for (const dev of kernel.devices()) {
    if (dev.net) kernel.setLinkState(dev.net.name, "up");
  }
  // What DHCP sets on the primary ENI; the others keep the driver's 1500.
  kernel.setMtu("ens5", 9001);
  kernel.addDefaultRoute({ family: 4, interface: "ens5", gateway: "10.0.0.1", metric: 0 });
  kernel.addDefaultRoute({ family: 6, interface: "ens5", gateway: "fe80::1", metric: 1024 });
  return kernel;
}

function enaSpec(slot: number, bus: number, numaNode = 0): SimDeviceSpec {
  const b = bus.toString(16).padStart(2, "0");
  const d = slot.toString(16).padStart(2, "0");
  return {
    address: `0000:${b}:${d}.0`,
    vendor: AMAZON,
    device: 0xec20,
    subsystemVendor: AMAZON,
    subsystemDevice: 0xec20,
    class: ETHERNET,
    numaNode,
    irq: 0,
    mac: ec2Mac(bus * 32 + slot),
  };
}

export type QemuGuestMode = "iommu" | "stock" | "noiommu";

export interface QemuGuestOptions {
  mode: QemuGuestMode;
  errnoStyle?: SimKernelConfig["errnoStyle"];
  /** Include the virtio-net NIC at 0000:04:00.0 (eth3). Default true. */
  virtio?: boolean;
}

/** The guest's e1000e NICs, as the facts name them: A, B, C. */
export const QEMU_NICS = ["0000:01:00.0", "0000:02:00.0", "0000:03:00.0"] as const;
export const QEMU_VIRTIO = "0000:04:00.0";

/**
 * The qemu q35 guest of the kernel facts (Debian 12, 6.1): three e1000e
 * (8086:10d3) behind root ports 00:10.0–00:12.0 named eth0–eth2, a
 * virtio-net (1af4:1041) behind 00:13.0 named eth3 under `virtio0`, an
 * unbound LPC bridge at 00:1f.0. Modes: "iommu" (intel-iommu, groups 0–9,
 * A in group 6), "stock" (no IOMMU, vfio without no-IOMMU support: every
 * vfio-pci probe is EINVAL), "noiommu" (no IOMMU, unsafe no-IOMMU mode on).
 */
export function qemuGuestHost(options: QemuGuestOptions): SimKernel {
  const { mode } = options;
  const kernel = new SimKernel({
    config: {
      release: "6.1.0-56-amd64",
      errnoStyle: options.errnoStyle ?? "modern",
      iommu: mode === "iommu",
      noiommuSupported: mode === "noiommu",
      naming: "kernel",
    },
  });
  // Group numbers follow the order intel-iommu met the devices in the observed run.
  const group = (n: number) => (mode === "iommu" ? n : null);
  const virtio = options.virtio ?? true;
  const ports = virtio ? 4 : 3;
  kernel.addDevice({
    address: "0000:00:00.0",
    vendor: INTEL,
    device: 0x29c0,
    class: HOST_BRIDGE,
    iommuGroup: group(0),
  });
  for (let i = 0; i < ports; i++) {
    kernel.addDevice({
      address: `0000:00:1${i}.0`,
      vendor: 0x1b36,
      device: 0x000c,
      class: PCI_BRIDGE,
      irq: 24 + i,
      iommuGroup: group(1 + i),
    });
  }
  const lpcGroup = group(1 + ports);
  kernel.addDevice({
    address: "0000:00:1f.0",
    vendor: INTEL,
    device: 0x2918,
    class: ISA_BRIDGE,
    iommuGroup: lpcGroup,
  });
  kernel.addDevice({
    address: "0000:00:1f.2",
    vendor: INTEL,
    device: 0x2922,
    class: 0x010601,
    iommuGroup: lpcGroup,
  });
  kernel.addDevice({
    address: "0000:00:1f.3",
    vendor: INTEL,
    device: 0x2930,
    class: 0x0c0500,
    iommuGroup: lpcGroup,
  });
  QEMU_NICS.forEach((address, i) => {
    kernel.addDevice({
      address,
      parent: `0000:00:1${i}.0`,
      vendor: INTEL,
      device: 0x10d3,
      subsystemVendor: INTEL,
      subsystemDevice: 0,
      class: ETHERNET,
      irq: 20 + i,
      mac: `52:54:00:12:34:0${i + 1}`,
      iommuGroup: group(2 + ports + i),
    });
  });
  if (virtio) {
    kernel.addDevice({
      address: QEMU_VIRTIO,
      parent: "0000:00:13.0",
      vendor: 0x1af4,
      device: 0x1041,
      subsystemVendor: 0x1af4,
      subsystemDevice: 0x1100,
      class: ETHERNET,
      revision: 1,
      irq: 23,
      mac: "52:54:00:12:34:04",
      iommuGroup: group(5 + ports),
    });
  }
  // The guest's /init loads these in this order; e1000e registers first.
  kernel.loadModule("e1000e");
  kernel.loadModule("virtio_pci");
  kernel.loadModule("vfio", mode === "noiommu" ? { enable_unsafe_noiommu_mode: true } : {});
  kernel.loadModule("vfio_pci");
  kernel.loadModule("uio_pci_generic");
  return kernel;
}

export interface ScaledHostOptions {
  errnoStyle?: SimKernelConfig["errnoStyle"];
}

/**
 * `n` ENA functions (1d0f:ec20) on root buses 01, 02, … (32 per bus), bound
 * to ena with kernel names eth0…, NUMA nodes alternating 0/1, vfio no-IOMMU
 * mode on; the first carries the default route. Cheap to build for n = 1000.
 */
export function scaledHost(n: number, options: ScaledHostOptions = {}): SimKernel {
  const kernel = new SimKernel({
    config: {
      release: "6.1.0-scaled-sim",
      errnoStyle: options.errnoStyle ?? "modern",
      iommu: false,
      noiommuSupported: true,
      naming: "kernel",
    },
  });
  kernel.loadModule("vfio", { enable_unsafe_noiommu_mode: true });
  kernel.loadModule("vfio_pci");
  for (let i = 0; i < n; i++) {
    kernel.addDevice(enaSpec(i % 32, 1 + Math.floor(i / 32), i % 2));
  }
  kernel.loadModule("ena");
  const first = kernel.devices().find((d) => d.net);
  if (first?.net)
    kernel.addDefaultRoute({ family: 4, interface: first.net.name, gateway: "10.0.0.1" });
  return kernel;
}
