/**
 * The findings of a local preflight, each with what it means and what to
 * do, worst first. "fail" means DPDK cannot be used on this host's ENA
 * devices as it stands (doctor then exits 4); "warn" works with a caveat.
 */
import { moduleHint, NOIOMMU_REMEDY, parseKernelRelease } from "../../driver/diagnose.js";
import type { LocalFacts } from "./local-facts.js";

export type Severity = "ok" | "warn" | "fail";

export interface Finding {
  /** Stable, e.g. "vfio-noiommu"; the daemon's report uses the same names where they overlap. */
  name: string;
  severity: Severity;
  message: string;
  /** null when there is nothing to do. */
  remedy: string | null;
}

const ORDER: Readonly<Record<Severity, number>> = { fail: 0, warn: 1, ok: 2 };

/**
 * ENA's low-latency queue (LLQ) mode writes descriptors through a
 * prefetchable BAR that must be mapped write-combining; stock vfio-pci maps
 * it uncached, so the PMD either runs LLQ slowly or falls back to regular
 * queues. igb_uio with wc_activate=1, or a vfio-pci built with the
 * write-combining patch from amzn-drivers, maps it WC.
 */
const WRITE_COMBINING_DETAIL =
  "ENA's low-latency queues need the device's memory BAR mapped write-combining; stock vfio-pci maps it uncached, so LLQ is slower or the PMD falls back to regular queues";
const WRITE_COMBINING_REMEDY =
  "use igb_uio loaded with wc_activate=1, or a vfio-pci patched for write-combining (see amzn-drivers, userspace/dpdk); or accept the cost";

export function localChecks(facts: LocalFacts): Finding[] {
  const out: Finding[] = [];
  const add = (name: string, severity: Severity, message: string, remedy: string | null = null) =>
    out.push({ name, severity, message, remedy });
  const registered = new Set(facts.drivers.filter((d) => d.registered).map((d) => d.name));
  const loaded = new Set(facts.modules.filter((m) => m.loaded).map((m) => m.name));

  // Kernel: no-IOMMU mode arrived in 4.5; bind errnos pass through from 5.14.
  const kernel = facts.kernelVersion === null ? null : parseKernelRelease(facts.kernelVersion);
  if (facts.kernelVersion === null) {
    add(
      "kernel",
      "warn",
      "cannot read the kernel release (sys/kernel/osrelease under --proc-root)",
    );
  } else if (kernel !== null && (kernel.major < 4 || (kernel.major === 4 && kernel.minor < 5))) {
    add(
      "kernel",
      "warn",
      `kernel ${facts.kernelVersion} predates vfio's no-IOMMU mode (4.5)`,
      "use a current kernel (Amazon Linux 2023, Ubuntu 22.04 or later)",
    );
  } else {
    add("kernel", "ok", `kernel ${facts.kernelVersion}`);
  }

  // A DPDK-capable driver must be registered, and vfio-pci must have a way to DMA.
  const userSpace = ["vfio-pci", "uio_pci_generic", "igb_uio"].filter((d) => registered.has(d));
  if (userSpace.length === 0) {
    add(
      "dpdk-driver",
      "fail",
      "no DPDK-capable driver is loaded (vfio-pci, uio_pci_generic, igb_uio)",
      `${moduleHint("vfio-pci")} (or ${moduleHint("uio_pci_generic")})`,
    );
  } else {
    add("dpdk-driver", "ok", `DPDK-capable drivers loaded: ${userSpace.join(", ")}`);
  }
  if (registered.has("vfio-pci")) {
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
      const only = userSpace.length === 1;
      add(
        "vfio-noiommu",
        only ? "fail" : "warn",
        `no IOMMU and vfio's no-IOMMU mode is ${facts.noiommu.available ? "off" : "not available"}: every vfio-pci bind will fail`,
        facts.noiommu.available
          ? NOIOMMU_REMEDY
          : `the kernel lacks CONFIG_VFIO_NOIOMMU: use uio_pci_generic or igb_uio, or a kernel with it`,
      );
    }
  }
  if (facts.devices.length > 0 && !registered.has("ena") && !loaded.has("ena")) {
    add(
      "ena-driver",
      "warn",
      "the ena kernel driver is not loaded: restore cannot give devices back to the kernel",
      "modprobe ena",
    );
  }

  // Devices.
  const enas = facts.devices;
  if (enas.length === 0) {
    add("ena-devices", "warn", "no ENA devices found (is this an EC2 Nitro instance?)", null);
  } else {
    const where = enas
      .map(
        (d) =>
          `${d.pciAddress} ${d.driver ?? "(no driver)"}${d.interfaces.length ? ` ${d.interfaces.join(",")}` : ""}${d.active ? " *Active*" : ""}`,
      )
      .join("; ");
    const spare = enas.filter((d) => !d.active);
    add(
      "ena-devices",
      spare.length === 0 ? "warn" : "ok",
      `${enas.length} ENA device(s): ${where}`,
      spare.length === 0
        ? "every ENA device carries the default route: attach a second ENI for DPDK (moving the management interface cuts this host off)"
        : null,
    );
  }
  const stuck = enas.filter((d) => d.driver === null);
  if (stuck.length > 0) {
    add(
      "unbound-devices",
      "warn",
      `ENA device(s) without a driver: ${stuck.map((d) => d.pciAddress).join(", ")}`,
      "eni-agent restore DEVICE gives one back to ena; eni-agent bind DEVICE DRIVER hands it to DPDK",
    );
  }

  // Hugepages: DPDK's EAL needs them, ideally on the NUMA node of each device it drives.
  const total = facts.hugepages.reduce((n, p) => n + p.totalPages, 0);
  if (total === 0) {
    add(
      "hugepages",
      "warn",
      "no hugepages are reserved; DPDK's EAL needs them (or runs with --no-huge, slowly)",
      "echo 1024 > /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages (or hugepages=N on the kernel command line)",
    );
  } else {
    const pools = facts.hugepages
      .filter((p) => p.totalPages > 0)
      .map((p) => `node${p.numaNode} ${p.totalPages}x${p.pageSizeKib}kB (${p.freePages} free)`);
    add("hugepages", "ok", `hugepages reserved: ${pools.join(", ")}`);
    const withPages = new Set(
      facts.hugepages.filter((p) => p.totalPages > 0).map((p) => p.numaNode),
    );
    const far = enas.filter((d) => d.numaNode !== null && !withPages.has(d.numaNode));
    if (far.length > 0) {
      add(
        "hugepages-numa",
        "warn",
        `no hugepages on the NUMA node of ${far.map((d) => `${d.pciAddress} (node ${d.numaNode})`).join(", ")}: memory would cross nodes`,
        "reserve hugepages on those nodes too",
      );
    }
  }

  const onVfio = enas.filter((d) => d.driver === "vfio-pci");
  if (onVfio.length > 0 || registered.has("vfio-pci")) {
    const which = onVfio.length
      ? ` (on vfio-pci: ${onVfio.map((d) => d.pciAddress).join(", ")})`
      : "";
    add("write-combining", "warn", `${WRITE_COMBINING_DETAIL}${which}`, WRITE_COMBINING_REMEDY);
  }
  return out.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}
