/**
 * Preflight's check for a device leaving vfio-pci: nobody may be using it.
 *
 * Two sources, read together:
 * - the holder scan names the processes that hold the device's /dev/vfio
 *   node. It stops at the first holder and gives up after `timeoutMs`: on a
 *   host with thousands of processes, proving that nobody holds a node means
 *   reading every descriptor of every process, which takes seconds;
 * - the device's `enable` count. vfio-pci enables the device while a process
 *   has its vfio device open (vfio_pci_core_enable → pci_enable_device) and
 *   disables it on the last close; bound and unopened it reads 0 (kernel
 *   facts). An open device fd is what makes the unbind wait in the kernel;
 *   a process holding only the group node does not (kernel facts, V1).
 *
 * Decisions:
 * - a holder found: refused, naming it;
 * - the scan read every process and found none: passes;
 * - the scan ran out of time ("could not prove the device is free"):
 *   - enable > 0: refused. The kernel says a process has the device open,
 *     and the unbind would wait until it closes it;
 *   - enable 0 (or unreadable): passes with a warning. Nothing has the
 *     device open, so the unbind cannot block; a process among those not
 *     read that holds only the group node goes unnamed and loses the
 *     device. Unreadable: the write deadline still bounds a blocked unbind.
 * A restore and a termination plan's restore decide alike. Both refusals
 * name the guard "device-in-use", which force overrides (preflight.ts).
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
  const node = device.devNode;
  if (node === null) return [];
  const [scan, enable] = await Promise.all([
    deps.holders.scan([node], { firstOnly: true, timeoutMs: deps.holderScanTimeoutMs }),
    readEnable(device, deps.sysfs),
  ]);
  if (scan.status === "held") throw heldError(device, node, scan.holders);
  if (scan.status === "free") return [];
  const unproven = `no process of the ${scan.read} read (of ${scan.listed}) holds ${node}; the holder scan stopped after ${Math.round(scan.elapsedMs)} ms`;
  if (enable !== null && enable > 0) throw openError(device, node, unproven, enable);
  const why =
    enable === null
      ? "the device's enable count could not be read; the write deadline bounds a blocked unbind"
      : "the kernel shows the vfio device closed (enable 0), so the unbind cannot block";
  return [
    `could not prove device ${device.address} is free: ${unproven}; ${why}. A process that holds only the group node among the others loses the device`,
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

function openError(device: PciDevice, node: string, unproven: string, enable: number): AgentError {
  return new AgentError(
    "FAILED_PRECONDITION",
    `device ${device.address} is in use: the kernel shows its vfio device open (enable ${enable}) and ${unproven}; unbinding it would block in the kernel until the device is closed`,
    {
      device: device.address,
      path: node,
      guard: "device-in-use",
      remedy:
        "stop the DPDK application using the device, then retry; or pass --force to wait for it to let go",
    },
  );
}
