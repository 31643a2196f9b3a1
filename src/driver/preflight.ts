/**
 * Preflight: what must hold before the first write, each failure a
 * FAILED_PRECONDITION with a remedy a person can act on. Each one predicts a
 * failed or blocked move. Force overrides only the holder check: a blocked
 * unbind is one a person can choose to wait out (the kernel asks the holder
 * to let go, and the write deadline turns the wait into a STUCK device that
 * is resolved when the write returns); a missing driver or IOMMU only fails.
 */
import { AgentError, type DriverName, isAgentError } from "../common/index.js";
import { type HolderScanner, isVfioDriver, type PciDevice, type Sysfs } from "../sysfs/index.js";
import { moduleHint, NOIOMMU_REMEDY } from "./diagnose.js";
import type { GuardName } from "./guards.js";

export interface PreflightDeps {
  sysfs: Sysfs;
  holders: HolderScanner;
}

const NOIOMMU_PARAMETER = "module/vfio/parameters/enable_unsafe_noiommu_mode";

/**
 * Checks, in order: the target driver is registered; for vfio-pci, the
 * device has an IOMMU group or vfio's no-IOMMU mode is on; when the device
 * leaves vfio, nobody holds its /dev/vfio node (the kernel would block the
 * unbind until they let go, possibly forever) unless `force`. Returns the
 * checks force overrode.
 */
export async function preflight(
  device: PciDevice,
  target: DriverName | null,
  deps: PreflightDeps,
  force = false,
): Promise<GuardName[]> {
  if (target !== null) {
    await requireDriver(device, target, deps.sysfs);
    if (isVfioDriver(target)) await requireIommu(device, deps.sysfs);
  }
  if (isVfioDriver(device.driver) && device.driver !== target) {
    return requireNoHolders(device, deps.holders, force);
  }
  return [];
}

async function requireDriver(device: PciDevice, driver: DriverName, sysfs: Sysfs): Promise<void> {
  if (await sysfs.exists(`bus/pci/drivers/${driver}`)) return;
  throw new AgentError("FAILED_PRECONDITION", `driver ${driver} is not loaded`, {
    device: device.address,
    path: `bus/pci/drivers/${driver}`,
    remedy: `load its module: ${moduleHint(driver)}`,
  });
}

async function requireIommu(device: PciDevice, sysfs: Sysfs): Promise<void> {
  // With an IOMMU the group link is permanent; in no-IOMMU mode it exists
  // only while vfio-pci holds the device, so the parameter decides.
  if (device.iommuGroup !== null) return;
  let mode: string | null = null;
  try {
    mode = (await sysfs.read(NOIOMMU_PARAMETER)).trim();
  } catch (err) {
    if (!isAgentError(err) || err.code !== "NOT_FOUND") throw err;
  }
  if (mode === "Y" || mode === "1") return;
  const why =
    mode === null
      ? "and vfio offers no no-IOMMU mode (kernel built without CONFIG_VFIO_NOIOMMU, or vfio not loaded)"
      : "and vfio's no-IOMMU mode is off";
  throw new AgentError(
    "FAILED_PRECONDITION",
    `vfio-pci cannot take device ${device.address}: it has no IOMMU group ${why}`,
    { device: device.address, path: NOIOMMU_PARAMETER, remedy: NOIOMMU_REMEDY },
  );
}

async function requireNoHolders(
  device: PciDevice,
  holders: HolderScanner,
  force: boolean,
): Promise<GuardName[]> {
  if (device.devNode === null) return [];
  const found = await holders.holders([device.devNode]);
  if (found.length === 0) return [];
  if (force) return ["device-in-use"];
  const who = found.map((h) => `pid ${h.pid} (${h.command})`).join(", ");
  throw new AgentError(
    "FAILED_PRECONDITION",
    `device ${device.address} is in use: ${who} holds ${device.devNode}; unbinding it would block in the kernel until released`,
    {
      device: device.address,
      path: device.devNode,
      guard: "device-in-use",
      remedy: `stop ${found.length === 1 ? "that process" : "those processes"} (e.g. kill ${found[0]!.pid}), then retry; or pass --force to wait for it to let go`,
    },
  );
}
