/**
 * `eni-agent bind DEVICE DRIVER`: moves a device to a driver as one verified,
 * journaled transaction, offline (this process is the agent while it runs).
 */
import type { CliIo } from "../command.js";
import { EXIT_OK } from "../exit-codes.js";
import { parseFlags } from "../flags.js";
import {
  HOST_FLAGS,
  type OfflineHost,
  oneDevice,
  progressPrinter,
  realHost,
  renderDone,
  renderPlan,
  rootsOf,
  takeAllow,
  withEngine,
} from "./driver-offline.js";

export const HELP = `NAME
    eni-agent bind - hand a network device to a driver, verified and journaled

SYNOPSIS
    eni-agent bind DEVICE DRIVER [--force] [--dry-run] [--persist] [--json]
                   [--allow VENDOR:DEVICE]... [--config FILE] [--state-dir DIR]
                   [--sysfs-root DIR] [--proc-root DIR]

DESCRIPTION
    Moves DEVICE to DRIVER as one transaction:

      1. guards and preflight (see GUARDS), then a snapshot of the device:
         driver, driver_override, interface, MAC, MTU, NUMA node, IOMMU group;
      2. the operation is written to the journal in the state directory
         (fsync'd) before the first sysfs write;
      3. driver_override := DRIVER, unbind from the current driver, bind
         through /sys/bus/pci/drivers/DRIVER/bind;
      4. verification by observation: the driver link, and for vfio-pci an
         IOMMU group (/dev/vfio/N or /dev/vfio/noiommu-N), for uio drivers
         a uioN node, for a kernel driver the interface with its MAC back;
      5. on any failure, the steps back to the snapshot, verified too.

    DEVICE is a PCI address (0000:00:06.0 or 00:06.0), a MAC address or an
    interface name. A device that already left the kernel is still found by
    the MAC or interface name it had (the journal remembers them).

    DRIVER is one of vfio-pci, uio_pci_generic, igb_uio, ena. Binding to the
    driver a device already has does nothing and succeeds.

    Offline mode: this command does the work itself and takes the state
    directory's lock, so it refuses to run next to a running daemon. It
    first resolves operations a previous run left unfinished. Progress goes
    to standard error, the result to standard output.

GUARDS
    vendor-allowlist   only ENA (1d0f:ec20, 1d0f:ec21) and ids added with
                       --allow or "allowedIds"; --force does NOT override it
    default-route      the interface carries an IPv4 or IPv6 default route
    primary-interface  the instance's primary interface (config "primary")
    interface-in-use   the interface is up with addresses
    unknown-device     no interface and no journal record of its identity
    All but the first are overridden by --force. Preflight checks are never
    overridden: DRIVER loaded; for vfio-pci an IOMMU group or vfio's no-IOMMU
    mode; nobody holding the device's /dev/vfio node.

OPTIONS
    --force            Override the guards that may be overridden.
    --dry-run          Print the plan (steps, checks, undo) and write nothing.
    --persist          Remember the binding by MAC; it is re-applied at the
                       daemon's start and when the ENI is attached again.
    --json             Print the result (or plan) as JSON.
    --allow VENDOR:DEVICE
                       Also manage this PCI id (repeatable), e.g. 8086:10d3.
    --config FILE      JSON configuration (see docs/driver.md).
    --state-dir DIR    Journal and desired bindings (default /var/lib/eni-agent).
    --sysfs-root DIR   Directory standing for /sys (default /sys).
    --proc-root DIR    Directory standing for /proc (default /proc).
    -h, --help         Show this help.

EXIT STATUS
    0   the device verifiably reached DRIVER (or already had it)
    1   the move failed (e.g. the driver's probe returned EIO); the message
        says "rolled back" (the device is as it was) or "DEGRADED" (the way
        back failed too; the daemon keeps repairing it)
    2   usage error or invalid argument
    3   no such device
    4   a guard or preflight check refused (nothing was written), or the
        kernel refused a step (ENODEV, EINVAL, ...) and the move was rolled back
    5   permission denied
    6   unavailable or timed out: a write stuck in the kernel (the device is
        STUCK), a busy device (EBUSY, EAGAIN), or the journal could not be written
    7   aborted: another operation holds the device, or another process the
        state directory

EXAMPLES
    eni-agent bind ens6 vfio-pci --dry-run
    eni-agent bind 0000:00:06.0 vfio-pci --persist
    eni-agent bind 02:4e:a0:00:00:06 uio_pci_generic --json
`;

const FLAGS = {
  ...HOST_FLAGS,
  force: { type: "boolean" },
  "dry-run": { type: "boolean" },
  persist: { type: "boolean" },
} as const;

export function run(argv: readonly string[], io: CliIo): Promise<number> {
  return runBind(argv, io, (roots) => realHost(roots, process.pid));
}

/** `run` on a given host (tests pass a simulated one). */
export async function runBind(
  argv: readonly string[],
  io: CliIo,
  hostFor: (roots: ReturnType<typeof rootsOf>) => OfflineHost,
): Promise<number> {
  const { argv: rest, allow } = takeAllow("bind", argv);
  const { values, positionals } = parseFlags("bind", rest, FLAGS);
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const [device, driver] = oneDevice("bind", positionals, 2) as [string, string];
  const host = hostFor(rootsOf(values));
  const options = { force: values.force, persist: values.persist };
  if (values["dry-run"]) {
    return withEngine(values, allow, host, io, "read", async ({ engine }) => {
      const planned = await engine.planBind(device, driver, options);
      io.stdout.write(values.json ? `${JSON.stringify(planned, null, 2)}\n` : renderPlan(planned));
      return EXIT_OK;
    });
  }
  return withEngine(values, allow, host, io, "write", async ({ engine }) => {
    engine.subscribe(progressPrinter(io));
    const result = await engine.bind(device, driver, options);
    for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
    io.stdout.write(
      values.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : renderDone(`bound to ${driver}`, result),
    );
    return EXIT_OK;
  });
}
