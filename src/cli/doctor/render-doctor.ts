/** `doctor` for people: findings worst first, each with its remedy, then the facts behind them. */
import type { HostReportJson } from "../daemon/to-json.js";
import type { Finding } from "./local-checks.js";
import type { LocalFacts } from "./local-facts.js";

export function renderFindings(findings: readonly Finding[]): string {
  const width = Math.max(0, ...findings.map((f) => f.name.length));
  return findings
    .map((f) => {
      const head = `${f.severity.toUpperCase().padEnd(4)}  ${f.name.padEnd(width)}  ${f.message}\n`;
      return f.remedy ? `${head}${" ".repeat(width + 8)}remedy: ${f.remedy}\n` : head;
    })
    .join("");
}

function modulesLine(modules: LocalFacts["modules"]): string {
  return modules
    .map((m) => `${m.name}${m.loaded ? (m.builtin ? " (built in)" : "") : " (not loaded)"}`)
    .join(", ");
}

function hugepagesLine(pools: LocalFacts["hugepages"]): string {
  if (pools.length === 0) return "none";
  return pools
    .map((p) => `node${p.numaNode} ${p.pageSizeKib}kB: ${p.totalPages} total, ${p.freePages} free`)
    .join("; ");
}

export function renderLocalFacts(f: LocalFacts): string {
  const devices = f.devices.map(
    (d) =>
      `    ${d.pciAddress}  ${d.driver ?? "-"}  ${d.interfaces.join(",") || "-"}  numa ${d.numaNode ?? "-"}  iommu ${d.iommuGroup ?? "-"}${d.active ? "  *Active*" : ""}\n`,
  );
  return `
Facts (from sysfs):
  kernel       ${f.kernelVersion ?? "unknown"}
  modules      ${modulesLine(f.modules)}
  drivers      ${f.drivers.map((d) => `${d.name}${d.registered ? "" : " (absent)"}`).join(", ")}
  IOMMU        ${f.iommu.present ? `${f.iommu.groupCount} groups` : "none"}; no-IOMMU mode ${f.noiommu.available ? (f.noiommu.enabled ? "on" : "off") : "unavailable"}
  hugepages    ${hugepagesLine(f.hugepages)}
  ENA devices${devices.length ? `\n${devices.join("")}` : "  none\n"}`;
}

export function renderDaemonFacts(r: HostReportJson): string {
  const id = r.identity;
  return `
Facts (from the daemon):
  kernel       ${r.kernelVersion}
  instance     ${id ? `${id.instanceId} ${id.instanceType} ${id.availabilityZone}` : "unknown (metadata never answered)"}
  modules      ${modulesLine(r.modules)}
  IOMMU        ${r.iommu.present ? `${r.iommu.groupCount} groups` : "none"}; no-IOMMU mode ${r.noiommu.available ? (r.noiommu.enabled ? "on" : "off") : "unavailable"}
  hugepages    ${hugepagesLine(r.hugepages)}
  metadata     ${r.imds.reachable ? "reachable" : "UNREACHABLE"}${r.imds.detail ? ` (${r.imds.detail})` : ""}
  termination  watcher ${r.terminationWatcher.state}${r.terminationWatcher.lastError ? ` (${r.terminationWatcher.lastError})` : ""}
  journal      ${r.journal.directory}: ${r.journal.healthy ? "healthy" : `UNHEALTHY${r.journal.detail ? ` (${r.journal.detail})` : ""}`}${r.journal.unresolvedEntries ? `, ${r.journal.unresolvedEntries} unresolved` : ""}
  health       ${r.health.serving ? "serving" : "NOT SERVING"}${r.health.components
    .filter((c) => !c.healthy)
    .map((c) => `; ${c.name}: ${c.detail ?? "unhealthy"}`)
    .join("")}
`;
}
