/**
 * Devices as people read them: the status table when the daemon answers,
 * and the detail view of `get`.
 */
import { cell, renderTable } from "../table.js";
import type { DeviceJson, OperationJson } from "./to-json.js";

/** STATE in upper case for the states that need a person (DEGRADED, STUCK), lower case otherwise. */
function stateWord(device: Pick<DeviceJson, "state">): string {
  return device.state === "degraded" || device.state === "stuck"
    ? device.state.toUpperCase()
    : device.state;
}

export function renderDeviceTable(devices: readonly DeviceJson[]): string {
  if (devices.length === 0) return "no ENA devices\n";
  const rows = devices.map((d) => [
    d.pciAddress,
    cell(d.driver),
    stateWord(d),
    cell(d.identity.interfaceName),
    cell(d.identity.mac),
    cell(d.identity.eniId),
    cell(d.identity.deviceNumber),
    cell(d.numaNode),
    cell(d.iommuGroup),
    cell(d.desiredDriver),
    [d.management ? "management" : "", d.activeOperationId ? `op ${d.activeOperationId}` : ""]
      .filter(Boolean)
      .join(", "),
  ]);
  const head = [
    "ADDRESS",
    "DRIVER",
    "STATE",
    "INTERFACE",
    "MAC",
    "ENI",
    "DEV#",
    "NUMA",
    "IOMMU",
    "DESIRED",
    "NOTES",
  ];
  const notes = devices
    .filter((d) => d.stateDetail !== null)
    .map((d) => `  ${d.pciAddress}: ${d.stateDetail}\n`)
    .join("");
  return renderTable(head, rows) + (notes ? `\n${notes}` : "");
}

interface DeviceDetail {
  device: DeviceJson;
  /** Derived from the driver and IOMMU group; null when the device has none. */
  devNode: string | null;
  lastOperation: OperationJson | null;
}

export function renderDeviceDetail({
  device: d,
  devNode,
  lastOperation: op,
}: DeviceDetail): string {
  const id = d.identity;
  const rows: [string, string][] = [
    ["PCI address", d.pciAddress],
    ["ID", `${d.vendorId}:${d.deviceId}`],
    ["ENI", cell(id.eniId)],
    ["MAC", cell(id.mac)],
    [
      "Interface",
      id.interfaceName === null
        ? "-"
        : `${id.interfaceName}${d.driver === "ena" ? "" : " (when on the kernel driver)"}`,
    ],
    [
      "Device number",
      id.deviceNumber === null ? "-" : `${id.deviceNumber} (network card ${cell(id.networkCard)})`,
    ],
    ["MTU", cell(id.mtu)],
    ["Driver", cell(d.driver)],
    ["Override", cell(d.driverOverride)],
    ["State", d.stateDetail === null ? stateWord(d) : `${stateWord(d)}: ${d.stateDetail}`],
    ["Management", d.management ? "yes (moved only with --force)" : "no"],
    ["Desired driver", d.desiredDriver === null ? "- (not persisted)" : d.desiredDriver],
    ["NUMA node", cell(d.numaNode)],
    ["IOMMU group", cell(d.iommuGroup)],
    ["Device node", cell(devNode)],
    [
      "Holders",
      d.holders.length === 0
        ? "-"
        : d.holders.map((h) => `${h.command}[${h.pid}] ${h.node}`).join(", "),
    ],
    ["Active operation", cell(d.activeOperationId)],
    [
      "Last operation",
      op === null
        ? "-"
        : `${op.id} ${op.kind} ${cell(op.fromDriver)} -> ${cell(op.toDriver)}: ${op.status}${op.finishedAt ? ` at ${op.finishedAt}` : ""}${op.error ? ` (${op.error.message})` : ""}`,
    ],
    ["Identity recorded", cell(id.recordedAt)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width + 1)}  ${v}\n`).join("");
}
