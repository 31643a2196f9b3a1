/**
 * What a PCI device is, for eni-agent's purposes, from its ids alone.
 * ENA is decided by vendor:device (the ids DPDK's ENA PMD matches), EFA too
 * (it is an RDMA device, never handed to DPDK), everything else by class.
 */

export type DeviceKind = "ena" | "efa" | "network" | "other";

const AMAZON = "1d0f";
const ENA_DEVICES: ReadonlySet<string> = new Set(["ec20", "ec21"]);
const EFA_DEVICES: ReadonlySet<string> = new Set(["efa0", "efa1", "efa2", "efa3"]);

/** `vendor`, `device`: 4 hex digits; `classCode`: 6 hex digits (e.g. "020000"). */
export function classifyDevice(vendor: string, device: string, classCode: string): DeviceKind {
  const v = vendor.toLowerCase();
  const d = device.toLowerCase();
  if (v === AMAZON && ENA_DEVICES.has(d)) return "ena";
  if (v === AMAZON && EFA_DEVICES.has(d)) return "efa";
  if (classCode.startsWith("02")) return "network";
  return "other";
}

/** ENA, EFA and any device of PCI class 02 (network controller). */
export function isNetworkKind(kind: DeviceKind): boolean {
  return kind !== "other";
}

/**
 * Drivers that hand a device to user space (DPDK and friends). vfio-pci
 * variants register as "vfio-pci" or "<vendor>-vfio-pci".
 */
export function isUserSpaceDriver(driver: string | null): boolean {
  if (driver === null) return false;
  return (
    driver === "vfio-pci" ||
    driver.endsWith("-vfio-pci") ||
    driver === "uio_pci_generic" ||
    driver === "igb_uio"
  );
}

/** Drivers whose device node is a VFIO group rather than a uio node. */
export function isVfioDriver(driver: string | null): boolean {
  return driver !== null && (driver === "vfio-pci" || driver.endsWith("-vfio-pci"));
}
