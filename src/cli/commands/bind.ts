/**
 * `eni-agent bind DEVICE DRIVER`: moves a device to a driver as one verified,
 * journaled transaction, through the daemon, or with --offline in this
 * process (which is then the agent while it runs).
 */
import type { CliIo } from "../command.js";
import { connectionHelp } from "../daemon/connection-flags.js";
import { parseTrialWindow } from "../daemon/trial-window.js";
import { COMMON_EXIT_LINES } from "../exit-codes.js";
import { exactArguments, usage } from "../flags.js";
import { type HostRoots, OFFLINE_HOST_HELP, type OfflineHost } from "./driver-offline.js";
import { MOVE_FLAGS, type MoveCommand, runMove } from "./move-device.js";

export const HELP = `NAME
    eni-agent bind - hand a network device to a driver, verified and journaled

SYNOPSIS
    eni-agent bind DEVICE DRIVER [--force] [--dry-run] [--persist] [--try DURATION] [--json]
                   [--socket PATH | --address HOST:PORT --tls-ca F --tls-cert F
                   --tls-key F] [--timeout SECONDS]
    eni-agent bind DEVICE DRIVER --offline [--force] [--dry-run] [--persist]
                   [--json] [--allow VENDOR:DEVICE]... [--config FILE]
                   [--state-dir DIR] [--sysfs-root DIR] [--proc-root DIR]

DESCRIPTION
    Asks the daemon (BindDevice) to move DEVICE to DRIVER as one transaction:

      1. guards and preflight (see GUARDS), then a snapshot of the device:
         driver, driver_override, interface, MAC, MTU, NUMA node, IOMMU group;
      2. the operation is written to the journal (fsync'd) before the first
         sysfs write;
      3. driver_override := DRIVER, unbind from the current driver, bind
         through /sys/bus/pci/drivers/DRIVER/bind;
      4. verification by observation: the driver link, and for vfio-pci an
         IOMMU group (/dev/vfio/N or /dev/vfio/noiommu-N), for uio drivers
         a uioN node, for a kernel driver the interface with its MAC back;
      5. on any failure, the steps back to the snapshot, verified too.

    While it runs, each step is printed on standard error as the daemon
    reports it (one redrawn line on a terminal); the result goes to standard
    output. The command then reads the device back and exits 0 only if it is
    on DRIVER. Ctrl-C stops waiting, not the move: a journaled operation
    completes (or rolls back) in the daemon; 'eni-agent ops --device DEVICE'
    shows how it ended. --timeout does the same when a call takes longer
    (exit 6).

    DEVICE is a PCI address (0000:00:06.0 or 00:06.0), a MAC address, an
    ENI id (eni-...) or an interface name. A device that already left the
    kernel is still found by the MAC, ENI id or interface name it had.

    DRIVER is one of vfio-pci, uio_pci_generic, igb_uio, ena (as allowed by
    the daemon's configuration). Binding to the driver a device already has
    does nothing and succeeds.

    With --offline, this command does the work itself, for hosts where the
    daemon is not running: it takes the state directory's lock, first
    resolves operations a previous run left unfinished, then moves the
    device with the same transaction. It refuses to run when a daemon
    answers on the socket (two writers on one device would defeat its
    locks); there is no override: stop the daemon first. Offline there is
    no waiting to bound: this process carries the move to its end, committed
    or rolled back, so --timeout is refused (exit 2); each sysfs write and
    the verification have their own deadlines, transactions.writeTimeoutMs
    (default 30000) and transactions.verifyTimeoutMs (default 10000) in the
    configuration, and a write still blocked in the kernel past its deadline
    is reported at once (exit 6, device STUCK; see docs/driver.md).

GUARDS
    vendor-allowlist   only ENA (1d0f:ec20, 1d0f:ec21) and configured ids
                       (allowedDevices; offline also --allow); --force does NOT
                       override it
    default-route      the interface carries an IPv4 or IPv6 default route
    primary-interface  the instance's primary interface
    interface-in-use   the interface is up with addresses
    unknown-device     no interface and no journal record of its identity
    device-in-use      leaving vfio-pci: a process holds the device's /dev/vfio
                       node (the unbind would wait until it lets go)
    All but the first are overridden by --force; a forced move out of a held
    device waits for the holder as restore --force does. The other preflight
    checks are never overridden: DRIVER loaded; for vfio-pci an IOMMU group
    or vfio's no-IOMMU mode.

OPTIONS
    --force            Override the guards that may be overridden.
    --dry-run          Print the plan and write nothing.
    --persist          Remember the binding by MAC; the daemon re-applies it at
                       start and when the ENI is attached again.
    --try DURATION     A bind on trial: once it committed, it awaits
                       'eni-agent confirm OPERATION' for DURATION (90s, 5m,
                       1h; plain seconds; 1s to 24h), and the daemon restores
                       the device to its kernel driver (the verified restore
                       transaction) when no confirmation comes in time, also
                       across a daemon restart. Prints the confirm command;
                       on a terminal it then counts down until the bind is
                       confirmed (from anywhere) or reverted (exit 1), or
                       until Ctrl-C, which stops the countdown, not the
                       trial. Not with --offline: nothing would be left to
                       revert it; not with --persist: bind again with
                       --persist once it is confirmed. The daemon may also
                       confirm by itself once a process held the device
                       (configuration "autoConfirm"; see docs/driver.md).
${connectionHelp(120)}

  Offline mode (no daemon):
    --offline          Do the work in this process instead of the daemon.
    --allow VENDOR:DEVICE
                       Also manage this PCI id (repeatable), e.g. 8086:10d3.
${OFFLINE_HOST_HELP}
    These four and --allow are refused without --offline; --address and
    --timeout are refused with it. --socket still names the socket that
    must NOT answer.

JSON
    {"version": 1, "operation": OPERATION, "device": DEVICE} (docs/cli.md);
    for --dry-run {"version": 1, "operation": OPERATION} with status
    "planned". Offline, {"version": 1, "operation": OPERATION}: the same
    OPERATION, no DEVICE (status --json shows it).

EXIT STATUS
    0   the device verifiably reached DRIVER (or already had it); with --try
        on a terminal, the bind was then confirmed (or the countdown was
        stopped with Ctrl-C)
    1   the move failed (e.g. the driver's probe returned EIO); the message
        says "rolled back" (the device is as it was) or "DEGRADED" (the way
        back failed too; the daemon keeps repairing it)
    3   no such device
    4   a guard or preflight check refused (nothing was written; the guard is
        named), the kernel refused a step (ENODEV, EINVAL, ...) and the move
        was rolled back, or --offline found a daemon answering
    7   aborted: another operation holds the device, or the device was moved
        by something else right after
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent bind ens6 vfio-pci --dry-run
    eni-agent bind eni-0f95d3625f5c521cc vfio-pci --persist
    eni-agent bind 02:4e:a0:00:00:06 uio_pci_generic --json
    eni-agent bind ens6 vfio-pci --try 60s
    eni-agent bind 0000:00:06.0 vfio-pci --offline --state-dir /var/lib/eni-agent
`;

const BIND: MoveCommand<typeof MOVE_FLAGS & { try: { type: "string" } }> = {
  name: "bind",
  flags: { ...MOVE_FLAGS, try: { type: "string" } },
  request(values, positionals) {
    const [device, driver] = exactArguments("bind", positionals, 2, "a device and a driver");
    const trial = values.try === undefined ? null : parseTrialWindow("bind", values.try);
    if (trial !== null && values.offline) {
      throw usage(
        "bind",
        "--try needs the daemon: offline, nothing would be left running to revert the bind at its deadline",
      );
    }
    return { kind: "bind", device: device!, driver: driver!, confirmWithinMs: trial };
  },
};

export function run(argv: readonly string[], io: CliIo): Promise<number> {
  return runMove(BIND, argv, io);
}

/** `run` on a given host (tests pass a simulated one). */
export function runBind(
  argv: readonly string[],
  io: CliIo,
  hostFor: (roots: HostRoots) => OfflineHost,
): Promise<number> {
  return runMove(BIND, argv, io, hostFor);
}
