/**
 * Preflight: what must hold before the first write, each failure a
 * FAILED_PRECONDITION with a remedy a person can act on. Each one predicts a
 * failed or blocked move. Force overrides only the holder check: a blocked
 * unbind is one a person can choose to wait out (the kernel asks the holder
 * to let go, and the write deadline turns the wait into a STUCK device that
 * is resolved when the write returns); a missing driver or IOMMU only fails.
 */
import { AgentError, type DriverName, isAgentError } from "../common/index.js";
import { isVfioDriver, type PciDevice, type Sysfs } from "../sysfs/index.js";
import { moduleHint, NOIOMMU_REMEDY } from "./diagnose.js";
import type { GuardName } from "./guards.js";
import { checkNoHolders, type HolderCheckDeps } from "./holder-check.js";

export type PreflightDeps = HolderCheckDeps;

export interface PreflightResult {
  /** For the operation's result, e.g. a holder scan that could not prove the device free. */
  warnings: string[];
  /** Checks that refused and force overrode. */
  overridden: GuardName[];
}

const PASSED: PreflightResult = { warnings: [], overridden: [] };

const NOIOMMU_PARAMETER = "module/vfio/parameters/enable_unsafe_noiommu_mode";

/**
 * Checks: the target driver is registered; for vfio-pci, the device has an
 * IOMMU group or vfio's no-IOMMU mode is on; when the device leaves vfio,
 * nobody is using it (holder-check.ts) unless `force`. The checks read at
 * the same time; when several fail, the first in that order is thrown.
 * Returns warnings for the operation's result and the checks force overrode.
 */
export async function preflight(
  device: PciDevice,
  target: DriverName | null,
  deps: PreflightDeps,
  force = false,
): Promise<PreflightResult> {
  const leavesVfio = isVfioDriver(device.driver) && device.driver !== target;
  const checks = await Promise.allSettled([
    target === null ? undefined : requireDriver(device, target, deps.sysfs),
    target !== null && isVfioDriver(target) ? requireIommu(device, deps.sysfs) : undefined,
    leavesVfio ? holderCheck(device, deps, force) : PASSED,
  ]);
  for (const check of checks) if (check.status === "rejected") throw check.reason;
  return (checks[2] as PromiseFulfilledResult<PreflightResult>).value;
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

/** The holder check; with force its refusal is overridden (guard device-in-use), not thrown. */
async function holderCheck(
  device: PciDevice,
  deps: PreflightDeps,
  force: boolean,
): Promise<PreflightResult> {
  try {
    return { warnings: await checkNoHolders(device, deps), overridden: [] };
  } catch (err) {
    if (force && isAgentError(err) && err.guard === "device-in-use") {
      return { warnings: [], overridden: ["device-in-use"] };
    }
    throw err;
  }
}
