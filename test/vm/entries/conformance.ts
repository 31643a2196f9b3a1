/**
 * The sysfs conformance suite of test/contract, unchanged, against the real
 * kernel: every row of the observed kernel facts plus its round-trip,
 * naming, rescan and layout checks.
 */
export { run, virtioNic } from "../../contract/guest-entry.js";

/**
 * The suite's modes are the machine's: with an IOMMU, and without (stock).
 * The uio configuration boots the same machine as stock, and the suite runs
 * its uio_pci_generic rows in every mode, so booting it again adds nothing.
 */
export const configs = ["viommu", "stock"] as const;
