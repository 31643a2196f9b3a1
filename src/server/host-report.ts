/**
 * The preflight report of a host, as the agent core assembles it from sysfs,
 * /proc, instance metadata and its own components. Mirrors
 * `eniagent.v1.HostReport`.
 */
import type { Mac } from "../common/index.js";
import type { HugepagePool, KernelModule } from "../sysfs/index.js";
import type { HealthReport, TerminationNotice } from "./core-types.js";

export type { HugepagePool, KernelModule };

export type WatcherState = "running" | "disabled" | "failing" | "triggered";

export type CheckSeverity = "ok" | "warn" | "fail";

export interface HostCheck {
  /** Stable, e.g. "vfio-noiommu". */
  name: string;
  severity: CheckSeverity;
  message: string;
  /** Empty when nothing is to be done. */
  remedy: string;
}

export interface InstanceIdentity {
  instanceId: string;
  instanceType: string;
  region: string;
  availabilityZone: string;
  primaryMac: Mac;
}

export interface HostReport {
  /** The daemon's eni-agent version. */
  agentVersion: string;
  kernelVersion: string;
  modules: KernelModule[];
  noiommu: { available: boolean; enabled: boolean };
  iommu: { present: boolean; groupCount: number };
  hugepages: HugepagePool[];
  writeCombining: { affected: boolean; detail: string };
  imds: { reachable: boolean; detail: string; lastSuccessAt: Date | null };
  /** null when metadata never answered. */
  identity: InstanceIdentity | null;
  terminationWatcher: {
    state: WatcherState;
    lastPollAt: Date | null;
    /** Empty when the last poll succeeded. */
    lastError: string;
    pendingNotice: TerminationNotice | null;
  };
  journal: { healthy: boolean; directory: string; unresolvedEntries: number; detail: string };
  /** Worst first. */
  checks: HostCheck[];
  health: HealthReport;
}
