/**
 * Devices as people read them: the status table when the daemon answers,
 * and the detail view of `get`.
 */
import { cell, renderTable } from "../table.js";
import type { DeviceJson, OperationJson } from "./to-json.js";

/** STATE in upper case for the states that need a person (DEGRADED, STUCK), lower case otherwise. */
export function stateWord(device: Pick<DeviceJson, "state">): string {
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

export interface DeviceDetail {
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

/**
 * The node a DPDK process opens for a vfio-pci device. The API reports the
 * group number only; whether it is a real IOMMU group (/dev/vfio/N) or one
 * vfio made up in no-IOMMU mode (/dev/vfio/noiommu-N) follows from the
 * host: groups are real exactly when the host has an IOMMU. A holder's node
 * is the truth when there is one. uio nodes (uioN) are not in the API.
 */
export function devNodeOf(device: DeviceJson, hostHasIommu: boolean | null): string | null {
  if (device.driver !== "vfio-pci" || device.iommuGroup === null) return null;
  const held = device.holders.find((h) => h.node.startsWith("/dev/vfio/"));
  if (held !== undefined) return held.node;
  if (hostHasIommu === null) return null;
  return hostHasIommu ? `/dev/vfio/${device.iommuGroup}` : `/dev/vfio/noiommu-${device.iommuGroup}`;
}
