/**
 * The findings of a local preflight, each with what it means and what to
 * do, worst first. "fail" means DPDK cannot be used on this host's ENA
 * devices as it stands (doctor then exits 4); "warn" works with a caveat.
 * The IOMMU, hugepage and write-combining findings are the daemon's own
 * (src/driver/host-checks.ts); the rest need what only a local read sees.
 */
import { moduleHint, parseKernelRelease } from "../../driver/diagnose.js";
import {
  dpdkChecks,
  type HostFinding,
  type Severity,
  worstFirst,
} from "../../driver/host-checks.js";
import { isUserSpaceDriver } from "../../sysfs/classify.js";
import type { LocalFacts } from "./local-facts.js";

export type { Severity };
export type Finding = HostFinding;

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
  const userSpace = [...registered].filter(isUserSpaceDriver);
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

  out.push(
    ...dpdkChecks({
      facts,
      vfio: registered.has("vfio-pci"),
      otherUserSpaceDriver: userSpace.length > 1,
      devices: enas,
    }),
  );
  return worstFirst(out);
}
