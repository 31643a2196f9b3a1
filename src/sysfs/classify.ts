/**
 * What a PCI device and a driver are, for eni-agent's purposes, from their
 * ids and names alone: the one place each of these rules is written.
 * ENA is decided by vendor:device (the ids DPDK's ENA PMD matches), EFA too
 * (it is an RDMA device, never handed to DPDK), everything else by class.
 */

export type DeviceKind = "ena" | "efa" | "network" | "other";

/**
 * ENA's vendor:device ids as guests see them (ec21 adds low-latency queues):
 * always managed, whatever the configuration adds. Lower-case hex, no 0x.
 */
export const ENA_IDS: readonly string[] = ["1d0f:ec20", "1d0f:ec21"];

/** The kernel driver of every ENA id. */
export const ENA_KERNEL_DRIVER = "ena";

const EFA_IDS: ReadonlySet<string> = new Set(["1d0f:efa0", "1d0f:efa1", "1d0f:efa2", "1d0f:efa3"]);

/** "1d0f", "EC20" → "1d0f:ec20": the form allowlists and the tables here use. */
export function pciId(vendor: string, device: string): string {
  return `${vendor}:${device}`.toLowerCase();
}

/** `vendor`, `device`: 4 hex digits. */
export function isEna(vendor: string, device: string): boolean {
  return ENA_IDS.includes(pciId(vendor, device));
}

/** The ids the agent manages: ENA's, then the configured ones, without repeats. */
export function managedIds(configured: readonly string[]): string[] {
  return [...new Set([...ENA_IDS, ...configured.map((id) => id.toLowerCase())])];
}

/** `vendor`, `device`: 4 hex digits; `classCode`: 6 hex digits (e.g. "020000"). */
export function classifyDevice(vendor: string, device: string, classCode: string): DeviceKind {
  if (isEna(vendor, device)) return "ena";
  if (EFA_IDS.has(pciId(vendor, device))) return "efa";
  if (classCode.startsWith("02")) return "network";
  return "other";
}

/** ENA, EFA and any device of PCI class 02 (network controller). */
export function isNetworkKind(kind: DeviceKind): boolean {
  return kind !== "other";
}

/**
 * vfio-pci registers as "vfio-pci" (its name is set in the source); its
 * variant drivers (mlx5, hisi_acc, pds, virtio, nvgrace_gpu, ...) register
 * under their module name, which kbuild spells with underscores:
 * "mlx5_vfio_pci". A dashed "<vendor>-vfio-pci" is only the name of the
 * vfio device ops, never of a PCI driver; out-of-tree drivers may still
 * choose it, so it counts too.
 */
export function isVfioDriver(driver: string | null): boolean {
  return (
    driver !== null &&
    (driver === "vfio-pci" || driver.endsWith("_vfio_pci") || driver.endsWith("-vfio-pci"))
  );
}

/**
 * Drivers that hand a device to user space (DPDK and friends): vfio-pci and
 * its variants, uio_pci_generic, igb_uio. They never register a netdev, and
 * a device keeps its driver_override set while one of them holds it.
 */
export function isUserSpaceDriver(driver: string | null): boolean {
  return isVfioDriver(driver) || driver === "uio_pci_generic" || driver === "igb_uio";
}
