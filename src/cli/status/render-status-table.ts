/**
 * The human form of `eni-agent status`: sections like dpdk-devbind's
 * (DPDK-bound, kernel-bound, no driver), one aligned table across them, and
 * `*Active*` on the device whose interface carries a default route.
 */
import type { StatusDevice, StatusGroup, StatusReport } from "./status-report.js";

interface Section {
  network: boolean;
  group: StatusGroup;
  title: string;
}

const SECTIONS: readonly Section[] = [
  { network: true, group: "dpdk", title: "Network devices using a DPDK-compatible driver" },
  { network: true, group: "kernel", title: "Network devices using a kernel driver" },
  { network: true, group: "unbound", title: "Network devices without a driver" },
  { network: false, group: "dpdk", title: "Other devices using a DPDK-compatible driver" },
  { network: false, group: "kernel", title: "Other devices using a kernel driver" },
  { network: false, group: "unbound", title: "Other devices without a driver" },
];

const HEADER = [
  "ADDRESS",
  "ID",
  "NAME",
  "DRIVER",
  "OVERRIDE",
  "INTERFACE",
  "MAC",
  "NUMA",
  "IOMMU",
] as const;

export function renderStatusTable(report: StatusReport): string {
  const sections = SECTIONS.filter((s) => s.network || report.all).map((section) => ({
    section,
    rows: report.devices
      .filter((d) => d.network === section.network && d.group === section.group)
      .map(row),
  }));
  const widths = HEADER.map((title, i) =>
    Math.max(title.length, ...sections.flatMap((s) => s.rows.map((r) => r.cells[i]!.length))),
  );
  const line = (cells: readonly string[], active: boolean) =>
    `${cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}${active ? "  *Active*" : ""}`.trimEnd();

  const out: string[] = [];
  for (const { section, rows } of sections) {
    if (out.length > 0) out.push("");
    out.push(section.title, "=".repeat(section.title.length));
    if (rows.length === 0) {
      out.push("(none)");
      continue;
    }
    out.push(line(HEADER, false));
    for (const r of rows) out.push(line(r.cells, r.active));
  }
  return `${out.join("\n")}\n`;
}

function row(device: StatusDevice): { cells: string[]; active: boolean } {
  const names = device.interfaces.map((net) => net.name);
  const macs = device.interfaces.map((net) => net.mac ?? "?");
  return {
    cells: [
      device.address,
      `${device.vendor}:${device.device}`,
      device.name ?? "-",
      device.driver ?? "-",
      device.driverOverride === null ? "-" : printable(device.driverOverride),
      names.length > 0 ? names.join(",") : "-",
      macs.length > 0 ? macs.join(",") : "-",
      device.numaNode === null ? "-" : String(device.numaNode),
      iommu(device),
    ],
    active: device.active,
  };
}

function iommu(device: StatusDevice): string {
  const group = device.iommuGroup;
  if (group === null) return "-";
  return group.noiommu ? `noiommu-${group.id}` : String(group.id);
}

/**
 * The override as the kernel stores it; quoted when it holds spaces or
 * control characters, because " vfio-pci " matches no driver and an operator
 * must see why.
 */
function printable(text: string): string {
  return /^[\x21-\x7e]+$/.test(text) ? text : JSON.stringify(text);
}
