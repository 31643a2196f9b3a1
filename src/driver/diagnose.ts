/**
 * errno × kernel version → what went wrong and what to do. The sysfs adapter
 * already mapped errno to a code; this adds the meaning a sysfs write's errno
 * has for the step that got it (kernel-sysfs facts: unbind is ENODEV unless
 * bound to exactly that driver; bind checks the match, then busy, then the
 * probe; before Linux 5.14 every bind failure reads ENODEV).
 */
import { AgentError, isAgentError, type PciAddress } from "../common/index.js";
import { stepWrite } from "./plan-transaction.js";
import type { Step } from "./types.js";

export interface KernelVersion {
  major: number;
  minor: number;
}

/** "6.1.0-56-amd64" → { major: 6, minor: 1 }; null when unrecognized. */
export function parseKernelRelease(release: string): KernelVersion | null {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/** 5.14 passes the probe's errno to user space, and EBUSY for a bound device. */
function bindErrnosPassThrough(kernel: KernelVersion | null): boolean {
  // Unknown version: assume a current kernel, but the ENODEV text still names both readings.
  if (kernel === null) return true;
  return kernel.major > 5 || (kernel.major === 5 && kernel.minor >= 14);
}

/** The module that provides a driver, for "load module X" remedies. */
export function moduleHint(driver: string): string {
  switch (driver) {
    case "vfio-pci":
      return "modprobe vfio-pci";
    case "igb_uio":
      return "insmod igb_uio.ko (out of tree: build it from DPDK's dpdk-kmods)";
    default:
      return `modprobe ${driver}`;
  }
}

export const NOIOMMU_REMEDY =
  "enable an IOMMU (intel_iommu=on or amd_iommu=on on the kernel command line), or turn on " +
  "vfio's no-IOMMU mode: modprobe vfio enable_unsafe_noiommu_mode=1, or write Y to " +
  "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode (needs a kernel built with " +
  "CONFIG_VFIO_NOIOMMU)";

export interface Diagnosis {
  message: string;
  remedy: string;
}

export function diagnose(step: Step, errno: string, kernel: KernelVersion | null): Diagnosis {
  if (errno === "EACCES" || errno === "EPERM" || errno === "EROFS") {
    return {
      message: `not permitted (${errno})`,
      remedy: "run eni-agent as root with /sys mounted read-write",
    };
  }
  switch (step.kind) {
    case "set-override":
    case "clear-override":
      return diagnoseOverride(errno);
    case "unbind":
      return diagnoseUnbind(step.driver, errno);
    case "bind":
      return diagnoseBind(step.driver, errno, kernel);
  }
}

function diagnoseOverride(errno: string): Diagnosis {
  switch (errno) {
    case "EINVAL":
      return {
        message: "the kernel rejected the driver_override value (longer than 4094 bytes?)",
        remedy: "report this: the agent only writes driver names",
      };
    case "ENOENT":
    case "ENODEV":
      return {
        message:
          "the device or its driver_override file is gone (hot-unplugged, or a kernel before 3.16)",
        remedy: "check that the device still exists: eni-agent status",
      };
    default:
      return generic(errno);
  }
}

function diagnoseUnbind(driver: string, errno: string): Diagnosis {
  switch (errno) {
    case "ENODEV":
      return {
        message: `the device is not bound to ${driver} any more (something else moved it)`,
        remedy: "look at its current driver with eni-agent status, then retry",
      };
    case "ENOENT":
      return {
        message: `driver ${driver} is gone (module unloaded?)`,
        remedy: `${moduleHint(driver)}, then retry`,
      };
    default:
      return generic(errno);
  }
}

function diagnoseBind(driver: string, errno: string, kernel: KernelVersion | null): Diagnosis {
  const modern = bindErrnosPassThrough(kernel);
  if (errno === "ENOENT") {
    return { message: `driver ${driver} is not loaded`, remedy: moduleHint(driver) };
  }
  if (errno === "ENODEV" && !modern) {
    return {
      message:
        `bind to ${driver} failed; before Linux 5.14 every bind failure reads ENODEV: ` +
        "the override may name another driver, the device may be bound elsewhere, or the " +
        `driver's probe failed${driver === "vfio-pci" ? " (most often: no IOMMU and noiommu mode off)" : ""}`,
      remedy:
        driver === "vfio-pci"
          ? `read dmesg for the probe error; if it is the IOMMU: ${NOIOMMU_REMEDY}`
          : "read dmesg for the probe error",
    };
  }
  switch (errno) {
    case "ENODEV":
      return {
        message: `${driver} does not match the device: driver_override names another driver or the id table lacks it`,
        remedy: "check driver_override with eni-agent status; retry the operation",
      };
    case "EBUSY":
      return {
        message: "the device is already bound to a driver",
        remedy: "look at its current driver with eni-agent status, then retry",
      };
    case "EINVAL":
      if (driver === "vfio-pci") {
        return {
          message: "vfio-pci refused the device: no IOMMU and noiommu mode off",
          remedy: NOIOMMU_REMEDY,
        };
      }
      return { message: `${driver}'s probe rejected the device (EINVAL)`, remedy: "read dmesg" };
    case "EAGAIN":
      return {
        message: `${driver}'s probe was deferred (a resource it needs is not ready)`,
        remedy: "retry in a few seconds",
      };
    case "EIO":
      return {
        message: `${driver}'s probe failed (EIO): the device did not respond`,
        remedy: "read dmesg",
      };
    default:
      return { message: `${driver}'s probe failed (${errno})`, remedy: "read dmesg" };
  }
}

function generic(errno: string): Diagnosis {
  return { message: `failed with ${errno}`, remedy: "read dmesg; retry" };
}

/**
 * The error a failed step reports: the sysfs adapter's code and errno, with
 * the diagnosis as message and remedy. Errors without errno pass unchanged.
 */
export function stepError(
  device: PciAddress,
  step: Step,
  err: unknown,
  kernel: KernelVersion | null,
): AgentError {
  if (!isAgentError(err) || err.errno === undefined) {
    return isAgentError(err)
      ? err
      : new AgentError("INTERNAL", `step ${step.kind} failed: ${String(err)}`, { cause: err });
  }
  const { path, data } = stepWrite(device, step);
  const found = diagnose(step, err.errno, kernel);
  return new AgentError(
    err.code,
    `${step.kind} (write ${JSON.stringify(data)} to ${path}): ${err.errno}: ${found.message}`,
    { errno: err.errno, syscall: "write", path, device, remedy: found.remedy, cause: err },
  );
}
