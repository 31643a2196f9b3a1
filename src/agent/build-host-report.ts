/**
 * Assembles the preflight report from the kernel facts, the devices and the
 * agent's own components, and derives the checks a person should act on,
 * worst first.
 */
import type { WatcherHealth } from "../aws/index.js";
import { dpdkChecks, WRITE_COMBINING_DETAIL, worstFirst } from "../driver/host-checks.js";
import type { DeviceRecord, HealthReport, TerminationNotice } from "../server/core-types.js";
import type { HostCheck, HostReport, WatcherState } from "../server/host-report.js";
import { isEna, isUserSpaceDriver, type KernelFacts } from "../sysfs/index.js";
import type { ImdsStatus, InstanceInfo } from "./imds-identity.js";

export interface HostReportInput {
  agentVersion: string;
  kernelRelease: string;
  facts: KernelFacts;
  devices: readonly DeviceRecord[];
  allowedDrivers: readonly string[];
  imds: ImdsStatus & { endpoint: string };
  instance: InstanceInfo | null;
  /** null when IMDS (and with it the watcher) is disabled. */
  watcher: WatcherHealth | null;
  pendingNotice: TerminationNotice | null;
  journal: HostReport["journal"];
  health: HealthReport;
}

export function buildHostReport(input: HostReportInput): HostReport {
  const { facts, imds, watcher } = input;
  const vfioEnas = input.devices.filter(
    (d) => isEna(d.vendorId, d.deviceId) && d.driver === "vfio-pci",
  );
  const writeCombining = {
    affected: vfioEnas.length > 0,
    detail:
      WRITE_COMBINING_DETAIL +
      (vfioEnas.length > 0
        ? ` (bound to vfio-pci: ${vfioEnas.map((d) => d.pciAddress).join(", ")})`
        : ""),
  };
  const lastPollMs = watcher
    ? Math.max(0, ...watcher.sources.map((s) => s.lastSuccessAtMs ?? 0))
    : 0;
  const lastError = watcher?.sources.find((s) => s.consecutiveErrors > 0)?.lastErrorMessage ?? "";
  const watcherState: WatcherState =
    watcher === null
      ? "disabled"
      : input.pendingNotice !== null
        ? "triggered"
        : watcher.healthy || !watcher.running
          ? watcher.running
            ? "running"
            : "disabled"
          : "failing";
  const report: HostReport = {
    agentVersion: input.agentVersion,
    kernelVersion: input.kernelRelease,
    modules: facts.modules,
    noiommu: facts.noiommu,
    iommu: facts.iommu,
    hugepages: facts.hugepages,
    writeCombining,
    imds: {
      reachable: imds.reachable,
      detail: imds.enabled
        ? imds.reachable
          ? imds.endpoint
          : `${imds.endpoint}: ${imds.lastError}`
        : "disabled in the configuration",
      lastSuccessAt: imds.lastSuccessAt,
    },
    identity:
      input.instance === null
        ? null
        : {
            instanceId: input.instance.instanceId,
            instanceType: input.instance.instanceType,
            // The report has no "unknown": an empty Region, as for the type and zone.
            region: input.instance.region ?? "",
            availabilityZone: input.instance.availabilityZone,
            primaryMac: input.instance.primaryMac,
          },
    terminationWatcher: {
      state: watcherState,
      lastPollAt: lastPollMs > 0 ? new Date(lastPollMs) : null,
      lastError,
      pendingNotice: input.pendingNotice,
    },
    journal: input.journal,
    checks: [],
    health: input.health,
  };
  report.checks = worstFirst(checks(input, report));
  return report;
}

function checks(input: HostReportInput, report: HostReport): HostCheck[] {
  const out: HostCheck[] = [];
  const add = (name: string, severity: HostCheck["severity"], message: string, remedy = "") =>
    out.push({ name, severity, message, remedy });
  const loaded = new Set(report.modules.filter((m) => m.loaded).map((m) => m.name));
  const vfioAllowed = input.allowedDrivers.includes("vfio-pci");
  if (vfioAllowed && !loaded.has("vfio_pci")) {
    add("vfio-pci-module", "warn", "vfio-pci is not loaded", "modprobe vfio-pci");
  }
  const enas = input.devices.filter((d) => isEna(d.vendorId, d.deviceId));
  for (const f of dpdkChecks({
    facts: input.facts,
    vfio: vfioAllowed && loaded.has("vfio_pci"),
    otherUserSpaceDriver: input.allowedDrivers.some(
      (d) => d !== "vfio-pci" && isUserSpaceDriver(d) && loaded.has(d),
    ),
    devices: enas.map((d) => ({
      pciAddress: d.pciAddress,
      numaNode: d.numaNode,
      driver: d.driver,
    })),
  })) {
    add(f.name, f.severity, f.message, f.remedy ?? "");
  }
  if (input.imds.enabled && !input.imds.reachable) {
    add(
      "imds",
      "warn",
      `instance metadata unreachable: ${input.imds.lastError}`,
      "termination notices cannot be seen; check the IMDS endpoint and hop limit",
    );
  }
  if (!report.journal.healthy) {
    add(
      "journal",
      "fail",
      `journal unhealthy: ${report.journal.detail}`,
      "check the state directory",
    );
  }
  const bad = input.devices.filter((d) => d.state === "degraded" || d.state === "stuck");
  if (bad.length > 0) {
    add(
      "devices",
      "fail",
      `devices need attention: ${bad.map((d) => `${d.pciAddress} ${d.state}`).join(", ")}`,
      "see eni-agent ops and the logs; the agent keeps repairing degraded devices",
    );
  }
  return out;
}
