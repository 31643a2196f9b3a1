/**
 * Preflight's check for a device leaving vfio-pci: nobody may be using it.
 *
 * The kernel is asked first. The device's `enable` attribute is its PCI
 * enable count. vfio-pci enables the device when user space first opens the
 * vfio device (vfio_pci_core_enable → pci_enable_device) and disables it at
 * the last close (vfio_pci_core_disable → pci_disable_device); bound and
 * unopened it reads 0 (kernel facts). An open device fd is also what makes
 * the unbind wait in the kernel (vfio_unregister_group_dev waits for every
 * device fd to be released); a process that holds only the group node does
 * not (kernel facts, V1). So:
 * - enable 0: passes at once, without reading /proc. Nothing has the device
 *   open, so the unbind cannot block. A process that holds only the group
 *   node is not named, and loses the device (docs/driver.md says why that is
 *   safe);
 * - enable > 0: the device is held. The holder scan only names who holds it,
 *   stopping at the first holder; refused either way. When the scan finds
 *   nobody in time (deadline), or nobody at all (a holder of the device that
 *   is not its group node), the refusal says the holder is unknown;
 * - enable unreadable: the holder scan decides alone, as it did before the
 *   count was read: a holder refuses, a complete scan passes, a scan out of
 *   time passes with a warning (the write deadline bounds a blocked unbind).
 * A restore and a termination plan's restore decide alike. Every refusal
 * names the guard "device-in-use", which force overrides (preflight.ts).
 */
import { AgentError, isAgentError } from "../common/index.js";
import type { HolderScan, HolderScanner, PciDevice, Sysfs } from "../sysfs/index.js";

export interface HolderCheckDeps {
  sysfs: Sysfs;
  holders: HolderScanner;
  /** How long the holder scan may read before it gives up. */
  holderScanTimeoutMs: number;
}

/** Throws FAILED_PRECONDITION when the device is in use; returns warnings for the result. */
export async function checkNoHolders(device: PciDevice, deps: HolderCheckDeps): Promise<string[]> {
  const enable = await readEnable(device, deps.sysfs);
  if (enable === 0) return [];
  const node = device.devNode;
  if (node === null) {
    if (enable === null) return [];
    throw openError(device, enable, "it has no vfio node to name a holder by");
  }
  const scan = await deps.holders.scan([node], {
    firstOnly: true,
    timeoutMs: deps.holderScanTimeoutMs,
  });
  if (scan.status === "held") throw heldError(device, node, scan.holders);
  if (enable !== null) throw openError(device, enable, unnamed(node, scan));
  if (scan.status === "free") return [];
  return [
    `could not prove device ${device.address} is free: ${unnamed(node, scan)}; the device's enable count could not be read; the write deadline bounds a blocked unbind`,
  ];
}

/** The PCI enable count, or null when the attribute cannot be read. */
async function readEnable(device: PciDevice, sysfs: Sysfs): Promise<number | null> {
  try {
    const text = (await sysfs.read(`bus/pci/devices/${device.address}/enable`)).trim();
    return /^[0-9]+$/.test(text) ? Number(text) : null;
  } catch (err) {
    if (isAgentError(err)) return null;
    throw err;
  }
}

/** What a scan that named nobody read. */
function unnamed(node: string, scan: Exclude<HolderScan, { status: "held" }>): string {
  if (scan.status === "free") {
    return `no process holds ${node} (every one of the ${scan.listed} read)`;
  }
  return `no process of the ${scan.read} read (of ${scan.listed}) holds ${node}; the holder scan stopped after ${Math.round(scan.elapsedMs)} ms`;
}

function heldError(
  device: PciDevice,
  node: string,
  found: Extract<HolderScan, { status: "held" }>["holders"],
): AgentError {
  const who = found.map((h) => `pid ${h.pid} (${h.command})`).join(", ");
  return new AgentError(
    "FAILED_PRECONDITION",
    `device ${device.address} is in use: ${who} holds ${node}; unbinding it would block in the kernel until released`,
    {
      device: device.address,
      path: node,
      guard: "device-in-use",
      remedy: `stop ${found.length === 1 ? "that process" : "those processes"} (e.g. kill ${found[0]!.pid}), then retry; or pass --force to wait for it to let go`,
    },
  );
}

function openError(device: PciDevice, enable: number, unknown: string): AgentError {
  return new AgentError(
    "FAILED_PRECONDITION",
    `device ${device.address} is in use: the kernel shows its vfio device open (enable ${enable}), holder unknown: ${unknown}; unbinding it would block in the kernel until the device is closed`,
    {
      device: device.address,
      path: `bus/pci/devices/${device.address}/enable`,
      guard: "device-in-use",
      remedy:
        "stop the DPDK application using the device, then retry; or pass --force to wait for it to let go",
    },
  );
}
