/**
 * `eni-agent status`: the ENA devices as the daemon sees them, or, when no
 * daemon answers, what the kernel says, read straight from sysfs and procfs.
 * It must start about as fast as node: the sysfs path imports nothing heavy,
 * and the gRPC client loads only after a connect probe found a listener.
 */

import { AgentError, isAgentError } from "../../common/index.js";
import { scanInventory } from "../../sysfs/inventory.js";
import { RealDefaultRouteReader } from "../../sysfs/real-default-route-reader.js";
import { RealSysfs } from "../../sysfs/real-sysfs.js";
import type { CliIo } from "../command.js";
import {
  CONNECTION_FLAGS,
  connectionHelp,
  connectionOf,
  describeEndpoint,
  type Endpoint,
} from "../daemon/connection-flags.js";
import { fromDaemonOrLocal } from "../daemon/probe-daemon.js";
import { COMMON_EXIT_LINES, EXIT_OK } from "../exit-codes.js";
import { noArguments, parseFlags, usage } from "../flags.js";
import { renderStatusTable } from "../status/render-status-table.js";
import { buildStatusReport, type StatusReport } from "../status/status-report.js";

export const HELP = `NAME
    eni-agent status - list ENA devices, their drivers, states and identities

SYNOPSIS
    eni-agent status [--json] [--socket PATH | --address HOST:PORT --tls-ca F
                     --tls-cert F --tls-key F] [--timeout SECONDS]
    eni-agent status --offline [--json] [--all] [--sysfs-root DIR] [--proc-root DIR]

DESCRIPTION
    Asks the daemon (ListDevices) for every ENA device and prints one line
    each: PCI address, driver, state, the interface name, MAC, ENI id and
    device number the ENI had while the kernel owned it (the netdev and MAC
    are gone once a DPDK driver holds it), NUMA node, IOMMU group, the
    persisted desired driver, and notes (management interface, running
    operation). States: kernel, dpdk, unbound, transitioning, foreign, and
    DEGRADED or STUCK in capitals, with the daemon's explanation below the
    table.

    When no daemon answers on the socket (no socket, nobody listening, or no
    permission to use it), status says so on standard error and reads sysfs
    and procfs directly instead, like --offline: every PCI network device
    grouped like dpdk-devbind's status (DPDK-compatible driver, kernel
    driver, no driver), with its driver_override, interfaces, MACs, NUMA
    node and IOMMU group ("noiommu-N" for a vfio no-IOMMU group); *Active*
    marks the device whose interface carries a default route. That view
    needs no privileges and writes nothing. With --address there is no
    fallback: the local sysfs is not the remote host.

OPTIONS
    --offline          Read sysfs and procfs directly; do not ask the daemon.
                       Implied by --all, --sysfs-root and --proc-root.
    --all              Also list devices that are not network devices.
    --sysfs-root DIR   Read DIR as if it were /sys (default /sys).
    --proc-root DIR    Read DIR as if it were /proc (default /proc), for
                       default routes.
${connectionHelp(10)}

JSON
    {"version": 1, "source": "daemon", "socket": PATH, "devices": [DEVICE...],
    "pendingConfirmations": [{"operationId", "pciAddress", "toDriver",
    "deadline"}...]} from the daemon (DEVICE as in 'eni-agent get --json';
    the binds on trial that await 'eni-agent confirm'), or the sysfs report
    with "source": "sysfs" (fields in docs/status.md). Scripts branch on
    "source".

EXIT STATUS
    0   the devices were listed (from the daemon or from sysfs)
    3   DIR/bus/pci/devices does not exist (sysfs view)
    1   any other failure
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent status
    eni-agent status --json | jq '.devices[] | select(.state == "dpdk")'
    eni-agent status --offline --all --sysfs-root /tmp/host/sys --proc-root /tmp/host/proc
`;

const FLAGS = {
  ...CONNECTION_FLAGS,
  offline: { type: "boolean" },
  all: { type: "boolean" },
  "sysfs-root": { type: "string" },
  "proc-root": { type: "string" },
} as const;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("status", argv, FLAGS);
  noArguments("status", positionals);
  const offline =
    values.offline ||
    values.all ||
    values["sysfs-root"] !== undefined ||
    values["proc-root"] !== undefined;
  if (offline) {
    if (values.address !== undefined)
      throw usage("status", "--address reads the daemon: drop --offline, --all and the roots");
    return fromSysfs(values, io);
  }
  const { endpoint, timeoutMs } = connectionOf("status", values, io, 10);
  return fromDaemonOrLocal(endpoint, timeoutMs, io, {
    daemon: () => fromDaemon(endpoint, timeoutMs, values.json, io),
    local: () => fromSysfs(values, io),
    failed: "did not list devices",
    instead: "showing what sysfs says",
  });
}

async function fromDaemon(
  endpoint: Endpoint,
  timeoutMs: number,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const [
    { withDaemon },
    { deviceJson, JSON_SCHEMA_VERSION, operationJson },
    { renderDeviceTable },
  ] = await Promise.all([
    import("../daemon/open-daemon.js"),
    import("../daemon/to-json.js"),
    import("../daemon/render-devices.js"),
  ]);
  const { devices, pendingConfirmations } = await withDaemon(
    endpoint,
    { timeoutMs },
    async (client) => {
      // An operator's look: what sysfs says now, not the daemon's kept view.
      const listed = await client.listDevices({ signal: io.signal, fresh: true });
      const page = await client.listOperations({ pageSize: 500 }, { signal: io.signal });
      return {
        devices: listed.map(deviceJson),
        pendingConfirmations: page.operations
          .map(operationJson)
          .filter((o) => o.confirmation?.state === "pending")
          .map((o) => ({
            operationId: o.id,
            pciAddress: o.pciAddress,
            toDriver: o.toDriver,
            deadline: o.confirmation?.deadline ?? null,
          })),
      };
    },
  );
  const where = describeEndpoint(endpoint);
  io.stdout.write(
    json
      ? `${JSON.stringify({ version: JSON_SCHEMA_VERSION, source: "daemon", [endpoint.kind === "unix" ? "socket" : "address"]: where, devices, pendingConfirmations }, null, 2)}\n`
      : renderDeviceTable(devices) +
          pendingConfirmations
            .map(
              (p) =>
                `${p.pciAddress ?? "-"}: bound to ${p.toDriver ?? "-"} on trial until ${p.deadline ?? "?"}: eni-agent confirm ${p.operationId}\n`,
            )
            .join(""),
  );
  return EXIT_OK;
}

interface SysfsFlagValues {
  json: boolean;
  all: boolean;
  "sysfs-root"?: string | undefined;
  "proc-root"?: string | undefined;
}

async function fromSysfs(values: SysfsFlagValues, io: CliIo): Promise<number> {
  // A one-shot command: synchronous reads are cheaper and block nothing else.
  const sysfs = new RealSysfs({ root: values["sysfs-root"] ?? "/sys", blockingReads: true });
  const routes = new RealDefaultRouteReader({
    procRoot: values["proc-root"] ?? "/proc",
    blockingReads: true,
  });
  const [inventory, defaultRoutes] = await Promise.all([
    scanInventory(sysfs).catch((err: unknown) => {
      throw explain(err, sysfs.root);
    }),
    routes.defaultRoutes(),
  ]);
  const report = buildStatusReport(inventory, defaultRoutes, {
    all: values.all,
    sysfsRoot: sysfs.root,
    procRoot: routes.procRoot,
  });
  io.stdout.write(
    values.json ? `${JSON.stringify(withSource(report), null, 2)}\n` : renderStatusTable(report),
  );
  return EXIT_OK;
}

/** Says which root was read when the PCI device list itself is missing or unreadable. */
function explain(err: unknown, root: string): unknown {
  if (!isAgentError(err) || err.path !== "bus/pci/devices") return err;
  return new AgentError(err.code, `cannot list ${root}/bus/pci/devices: ${err.errno ?? err.code}`, {
    ...err.details(),
    remedy: "check --sysfs-root: it must name a sysfs tree (default /sys)",
    cause: err,
  });
}

/** The sysfs report with "source" right after "version", where readers look for it. */
function withSource(report: StatusReport): { version: number; source: "sysfs" } & StatusReport {
  const { version, ...rest } = report;
  return { version, source: "sysfs", ...rest };
}
