/**
 * The DPDK readiness findings that the daemon's host report and `doctor`
 * both give, from the same kernel facts and in the same words: can vfio-pci
 * bind (an IOMMU, or vfio's no-IOMMU mode), are hugepages reserved where the
 * devices are, and the write-combining caveat of ENA on vfio-pci.
 */
import type { HugepagePool, KernelFacts } from "../sysfs/index.js";
import { NOIOMMU_REMEDY } from "./diagnose.js";

export type Severity = "ok" | "warn" | "fail";

export interface HostFinding {
  /** Stable, e.g. "vfio-noiommu". */
  name: string;
  severity: Severity;
  message: string;
  /** null when there is nothing to do. */
  remedy: string | null;
}

/**
 * ENA's low-latency queue (LLQ) mode writes descriptors through a
 * prefetchable BAR that must be mapped write-combining; stock vfio-pci maps
 * it uncached, so the PMD either runs LLQ slowly or falls back to regular
 * queues. igb_uio with wc_activate=1, or a vfio-pci built with the
 * write-combining patch from amzn-drivers, maps it WC.
 */
export const WRITE_COMBINING_DETAIL =
  "ENA's low-latency queues need the device's memory BAR mapped write-combining; stock vfio-pci maps it uncached, so LLQ is slower or the PMD falls back to regular queues";
const WRITE_COMBINING_REMEDY =
  "use igb_uio loaded with wc_activate=1, or a vfio-pci patched for write-combining (see amzn-drivers, userspace/dpdk); or accept the cost";

interface DpdkCheckInput {
  facts: KernelFacts;
  /** vfio-pci is there to be used: registered (doctor), or allowed and loaded (daemon). */
  vfio: boolean;
  /** Another user-space driver can stand in when vfio-pci cannot bind. */
  otherUserSpaceDriver: boolean;
  /** The ENA devices: their NUMA node and current driver. */
  devices: readonly { pciAddress: string; numaNode: number | null; driver: string | null }[];
}

const ORDER: Readonly<Record<Severity, number>> = { fail: 0, warn: 1, ok: 2 };

/** Worst first, as every list of findings. */
export function worstFirst<T extends { severity: Severity }>(findings: T[]): T[] {
  return findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}

export function dpdkChecks(input: DpdkCheckInput): HostFinding[] {
  const out: HostFinding[] = [];
  const add = (name: string, severity: Severity, message: string, remedy: string | null = null) =>
    out.push({ name, severity, message, remedy });
  const { facts } = input;
  if (input.vfio) {
    if (facts.iommu.present) {
      add(
        "vfio-noiommu",
        "ok",
        `IOMMU present (${facts.iommu.groupCount} groups): vfio-pci is safe`,
      );
    } else if (facts.noiommu.enabled) {
      add(
        "vfio-noiommu",
        "warn",
        "no IOMMU: vfio-pci runs in unsafe no-IOMMU mode, so a DPDK process can DMA anywhere in memory (normal on EC2 instances without an exposed IOMMU)",
      );
    } else {
      add(
        "vfio-noiommu",
        input.otherUserSpaceDriver ? "warn" : "fail",
        `no IOMMU and vfio's no-IOMMU mode is ${facts.noiommu.available ? "off" : "not available"}: every vfio-pci bind will fail`,
        facts.noiommu.available
          ? NOIOMMU_REMEDY
          : "the kernel lacks CONFIG_VFIO_NOIOMMU: use uio_pci_generic or igb_uio, or a kernel with it",
      );
    }
  }
  hugepageChecks(facts.hugepages, input.devices, add);
  const onVfio = input.devices.filter((d) => d.driver === "vfio-pci");
  if (onVfio.length > 0 || input.vfio) {
    const which = onVfio.length
      ? ` (on vfio-pci: ${onVfio.map((d) => d.pciAddress).join(", ")})`
      : "";
    add("write-combining", "warn", `${WRITE_COMBINING_DETAIL}${which}`, WRITE_COMBINING_REMEDY);
  }
  return out;
}

/** DPDK's EAL needs hugepages, ideally on the NUMA node of each device it drives. */
function hugepageChecks(
  hugepages: readonly HugepagePool[],
  devices: DpdkCheckInput["devices"],
  add: (name: string, severity: Severity, message: string, remedy?: string | null) => void,
): void {
  const reserved = hugepages.filter((p) => p.totalPages > 0);
  if (reserved.length === 0) {
    add(
      "hugepages",
      "warn",
      "no hugepages are reserved; DPDK's EAL needs them (or runs with --no-huge, slowly)",
      "echo 1024 > /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages (or hugepages=N on the kernel command line)",
    );
    return;
  }
  const pools = reserved.map(
    (p) => `node${p.numaNode} ${p.totalPages}x${p.pageSizeKib}kB (${p.freePages} free)`,
  );
  add("hugepages", "ok", `hugepages reserved: ${pools.join(", ")}`);
  const withPages = new Set(reserved.map((p) => p.numaNode));
  const far = devices.filter((d) => d.numaNode !== null && !withPages.has(d.numaNode));
  if (far.length > 0) {
    add(
      "hugepages-numa",
      "warn",
      `no hugepages on the NUMA node of ${far.map((d) => `${d.pciAddress} (node ${d.numaNode})`).join(", ")}: memory would cross nodes`,
      "reserve hugepages on those nodes too",
    );
  }
}
