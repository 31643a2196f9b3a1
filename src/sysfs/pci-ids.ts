/**
 * Readable names for the PCI ids eni-agent meets on EC2 and in its test
 * guests. A small table, not a copy of the pci.ids database: an unknown id
 * falls back to the vendor's name and the class's name, which is enough for
 * `status` to say what a device is.
 */

/** Vendor ids (4 lower-case hex digits) → short vendor names. */
const VENDORS: Readonly<Record<string, string>> = {
  "1d0f": "Amazon",
  "8086": "Intel",
  "15b3": "Mellanox",
  "1af4": "Red Hat (virtio)",
  "1b36": "Red Hat (QEMU)",
  "14e4": "Broadcom",
  "10de": "NVIDIA",
  "1234": "QEMU",
  "144d": "Samsung",
};

/** "vendor:device" (lower-case hex) → device names. */
const DEVICES: Readonly<Record<string, string>> = {
  // Amazon: ENA VFs are what guests see (ec21 adds low-latency queues).
  "1d0f:ec20": "Elastic Network Adapter (ENA)",
  "1d0f:ec21": "Elastic Network Adapter (ENA, LLQ)",
  "1d0f:0ec2": "Elastic Network Adapter (ENA PF)",
  "1d0f:1ec2": "Elastic Network Adapter (ENA PF)",
  "1d0f:efa0": "Elastic Fabric Adapter (EFA)",
  "1d0f:efa1": "Elastic Fabric Adapter (EFA)",
  "1d0f:efa2": "Elastic Fabric Adapter (EFA)",
  "1d0f:efa3": "Elastic Fabric Adapter (EFA)",
  "1d0f:8061": "NVMe EBS Controller",
  "1d0f:cd00": "NVMe SSD Controller (instance store)",
  "1d0f:cd01": "NVMe SSD Controller (instance store)",
  // Intel NICs: emulated ones from qemu guests, and common physical/VF parts.
  "8086:100e": "82540EM Gigabit Ethernet (e1000)",
  "8086:10d3": "82574L Gigabit Ethernet (e1000e)",
  "8086:10ed": "82599 Virtual Function (ixgbevf)",
  "8086:10fb": "82599ES 10-Gigabit SFP+ (ixgbe)",
  "8086:1521": "I350 Gigabit Ethernet (igb)",
  "8086:1572": "Ethernet Controller X710 10GbE SFP+ (i40e)",
  "8086:1583": "Ethernet Controller XL710 40GbE QSFP+ (i40e)",
  "8086:154c": "Ethernet Virtual Function 700 Series (iavf)",
  "8086:1889": "Ethernet Adaptive Virtual Function (iavf)",
  "8086:1592": "Ethernet Controller E810-C (ice)",
  "8086:159b": "Ethernet Controller E810-XXV (ice)",
  "8086:29c0": "82G33/G31/P35/P31 Host Bridge",
  "8086:2918": "82801IB (ICH9) LPC Interface",
  "8086:2922": "82801IR/IO/IH (ICH9R) SATA AHCI",
  "8086:2930": "82801I (ICH9) SMBus",
  "8086:1237": "440FX Host Bridge",
  "8086:7000": "82371SB PIIX3 ISA",
  "8086:7010": "82371SB PIIX3 IDE",
  "8086:7113": "82371AB/EB/MB PIIX4 ACPI",
  // Mellanox ConnectX (mlx5) and their VFs.
  "15b3:1015": "ConnectX-4 Lx (mlx5)",
  "15b3:1016": "ConnectX-4 Lx Virtual Function (mlx5)",
  "15b3:1017": "ConnectX-5 (mlx5)",
  "15b3:1018": "ConnectX-5 Virtual Function (mlx5)",
  "15b3:101b": "ConnectX-6 (mlx5)",
  "15b3:101d": "ConnectX-6 Dx (mlx5)",
  "15b3:101e": "ConnectX Family Virtual Function (mlx5)",
  "15b3:101f": "ConnectX-6 Lx (mlx5)",
  // virtio: transitional (10xx) and modern (1040 + type) ids.
  "1af4:1000": "virtio network (transitional)",
  "1af4:1001": "virtio block (transitional)",
  "1af4:1002": "virtio balloon (transitional)",
  "1af4:1003": "virtio console (transitional)",
  "1af4:1004": "virtio SCSI (transitional)",
  "1af4:1005": "virtio RNG (transitional)",
  "1af4:1041": "virtio network",
  "1af4:1042": "virtio block",
  "1af4:1043": "virtio console",
  "1af4:1044": "virtio RNG",
  "1af4:1045": "virtio balloon",
  "1af4:1048": "virtio SCSI",
  "1af4:1050": "virtio GPU",
  "1af4:1052": "virtio input",
  "1af4:1053": "virtio vsock",
  "1b36:0008": "QEMU PCIe Host Bridge",
  "1b36:000c": "QEMU PCIe Root Port",
  "1b36:0010": "QEMU NVM Express Controller",
  "1234:1111": "QEMU standard VGA",
};

/** Class code prefixes (class+subclass, 4 hex digits) → generic names. */
const CLASSES: Readonly<Record<string, string>> = {
  "0100": "SCSI controller",
  "0101": "IDE controller",
  "0106": "SATA controller",
  "0108": "NVMe controller",
  "0180": "Mass storage controller",
  "0200": "Ethernet controller",
  "0207": "InfiniBand controller",
  "0280": "Network controller",
  "0300": "VGA controller",
  "0600": "Host bridge",
  "0601": "ISA bridge",
  "0604": "PCI bridge",
  "0680": "Bridge",
  "0c03": "USB controller",
  "0c05": "SMBus",
  ff00: "Unassigned class",
};

export function pciVendorName(vendor: string): string | null {
  return VENDORS[vendor.toLowerCase()] ?? null;
}

/**
 * The readable name for a device: the table's name when the id is known,
 * else "<vendor> <class>" from what is known, else null.
 * `vendor` and `device` are 4 hex digits; `classCode` is 6 hex digits.
 */
export function pciDeviceName(vendor: string, device: string, classCode: string): string | null {
  const known = DEVICES[`${vendor}:${device}`.toLowerCase()];
  if (known) return known;
  const vendorName = pciVendorName(vendor);
  const className = CLASSES[classCode.slice(0, 4).toLowerCase()];
  if (vendorName && className) return `${vendorName} ${className}`;
  return className ?? (vendorName ? `${vendorName} device` : null);
}
