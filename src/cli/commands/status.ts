/**
 * `eni-agent status`: what the kernel says about PCI network devices, read
 * straight from sysfs and procfs. Offline (no daemon), read-only, works
 * unprivileged. Imports nothing heavy: it must start about as fast as node.
 */

import { AgentError, isAgentError } from "../../common/index.js";
import { scanInventory } from "../../sysfs/inventory.js";
import { RealDefaultRouteReader } from "../../sysfs/real-default-route-reader.js";
import { RealSysfs } from "../../sysfs/real-sysfs.js";
import type { CliIo } from "../command.js";
import { EXIT_OK } from "../exit-codes.js";
import { parseFlags, usage } from "../flags.js";
import { renderStatusTable } from "../status/render-status-table.js";
import { buildStatusReport } from "../status/status-report.js";

export const HELP = `NAME
    eni-agent status - show PCI network devices, their drivers and interfaces

SYNOPSIS
    eni-agent status [--json] [--all] [--sysfs-root DIR] [--proc-root DIR]

DESCRIPTION
    Reads sysfs and procfs directly and prints every PCI network device (ENA,
    EFA and any device of PCI class 02) grouped like dpdk-devbind's status:

      Network devices using a DPDK-compatible driver   vfio-pci, uio_pci_generic, igb_uio
      Network devices using a kernel driver            ena, virtio-pci, ...
      Network devices without a driver

    Columns: PCI address; vendor:device id; a readable name for known ids; the
    bound driver; driver_override ("-" when unset, quoted when it holds
    spaces); interface name(s) and MAC(s) while a kernel driver holds the
    device; NUMA node; IOMMU group ("noiommu-N" for a vfio no-IOMMU group).
    *Active* marks the device whose interface carries a default route: the
    management interface, which bind refuses without --force.

    status needs no daemon, writes nothing, and works as any user. It is a
    snapshot: interface names move when devices are rebound.

OPTIONS
    --json
        Print one JSON document instead of the table (schema version 1,
        described in docs/status.md). Fields are only ever added.

    --all
        Also list devices that are not network devices.

    --sysfs-root DIR
        Read DIR as if it were /sys (default /sys), e.g. a simulated host.

    --proc-root DIR
        Read DIR as if it were /proc (default /proc), for default routes.

    -h, --help
        Show this help.

LIMITATIONS
    Default routes come from /proc/net/route (IPv4 main table only: routes in
    policy tables are invisible without netlink) and /proc/net/ipv6_route
    (every table, merged).

EXIT STATUS
    0   the devices were listed
    2   usage error (unknown option, missing value, extra argument)
    3   DIR/bus/pci/devices does not exist
    5   permission denied reading sysfs
    1   any other failure

EXAMPLES
    eni-agent status
    eni-agent status --json | jq '.devices[] | select(.kind == "ena")'
    eni-agent status --all --sysfs-root /tmp/host/sys --proc-root /tmp/host/proc
`;

const FLAGS = {
  json: { type: "boolean" },
  all: { type: "boolean" },
  "sysfs-root": { type: "string" },
  "proc-root": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("status", argv, FLAGS);
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) {
    throw usage("status", `unexpected argument ${JSON.stringify(positionals[0])}`);
  }
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
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatusTable(report));
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
