/**
 * Preflight: what must hold before the first write, each failure a
 * FAILED_PRECONDITION with a remedy a person can act on. Unlike guards,
 * force overrides none of these: each one predicts a failed or blocked move.
 */
import { AgentError, type DriverName, isAgentError } from "../common/index.js";
import { isVfioDriver, type PciDevice, type Sysfs } from "../sysfs/index.js";
import { moduleHint, NOIOMMU_REMEDY } from "./diagnose.js";
import { checkNoHolders, type HolderCheckDeps } from "./holder-check.js";

export type PreflightDeps = HolderCheckDeps;

const NOIOMMU_PARAMETER = "module/vfio/parameters/enable_unsafe_noiommu_mode";

/**
 * Checks: the target driver is registered; for vfio-pci, the device has an
 * IOMMU group or vfio's no-IOMMU mode is on; when the device leaves vfio,
 * nobody is using it (holder-check.ts). The checks read at the same time;
 * when several fail, the first in that order is thrown. Returns warnings
 * for the operation's result.
 */
export async function preflight(
  device: PciDevice,
  target: DriverName | null,
  deps: PreflightDeps,
): Promise<string[]> {
  const leavesVfio = isVfioDriver(device.driver) && device.driver !== target;
  const checks = await Promise.allSettled([
    target === null ? undefined : requireDriver(device, target, deps.sysfs),
    target !== null && isVfioDriver(target) ? requireIommu(device, deps.sysfs) : undefined,
    leavesVfio ? checkNoHolders(device, deps) : [],
  ]);
  for (const check of checks) if (check.status === "rejected") throw check.reason;
  const holders = checks[2] as PromiseFulfilledResult<string[]>;
  return holders.value;
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
