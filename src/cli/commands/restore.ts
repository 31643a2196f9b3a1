/**
 * `eni-agent restore DEVICE`: gives a device back to its kernel driver, with
 * driver_override cleared, as one verified, journaled transaction, through
 * the daemon or with --offline in this process.
 */
import type { CliIo } from "../command.js";
import { connectionHelp } from "../daemon/connection-flags.js";
import { COMMON_EXIT_LINES } from "../exit-codes.js";
import { exactArguments } from "../flags.js";
import { type HostRoots, OFFLINE_HOST_HELP, type OfflineHost } from "./driver-offline.js";
import { MOVE_FLAGS, type MoveCommand, runMove } from "./move-device.js";

export const HELP = `NAME
    eni-agent restore - give a device back to its kernel driver

SYNOPSIS
    eni-agent restore DEVICE [--force] [--dry-run] [--persist] [--json]
                      [--socket PATH | --address HOST:PORT --tls-ca F
                      --tls-cert F --tls-key F] [--timeout SECONDS]
    eni-agent restore DEVICE --offline [--force] [--dry-run] [--persist] [--json]
                      [--allow VENDOR:DEVICE]... [--config FILE]
                      [--state-dir DIR] [--sysfs-root DIR] [--proc-root DIR]

DESCRIPTION
    Asks the daemon (RestoreDevice) to return DEVICE to the kernel driver it
    had before eni-agent first moved it (the journal's snapshot: ena for an
    ENA), with driver_override cleared, and to verify that its interface is
    back with the MAC it had, under whatever name the kernel gives it now
    (names are handed out lowest-free first: ens6 may come back as eth1).
    Addresses and link state are not restored: the interface comes back
    down, for the network configuration to pick up.

    Progress is printed on standard error as in bind; the command reads the
    device back and exits 0 only if it is on its kernel driver.

    DEVICE is a PCI address, a MAC address, an ENI id or an interface name;
    a MAC or name the device had under its kernel driver still finds it.

    A device already on its kernel driver with no override: nothing to do.
    If the device is held by a process (a DPDK application has its
    /dev/vfio node open), restore refuses and names the process: unbinding
    a device in use blocks in the kernel until it is released. With --force
    it restores anyway: the kernel asks the process to release the device
    and the unbind waits until it does. If that outlasts the write deadline
    the device is reported STUCK (exit 6) and stays locked; the restore
    completes, or rolls back, as soon as the process lets go.

    Ctrl-C or --timeout stops waiting, not the restore: the daemon completes
    or rolls it back ('eni-agent ops --device DEVICE' shows how it ended).

    With --offline, this process does the work (see 'eni-agent bind --help'),
    and refuses to run when a daemon answers on the socket. --timeout is
    refused with --offline (exit 2): this process carries the restore to its
    end; the configuration's transactions.writeTimeoutMs and
    transactions.verifyTimeoutMs bound each write and the verification.

OPTIONS
    --force            Restore even if a process holds the device (see above).
                       Never skips verification or rollback.
    --dry-run          Print the plan and write nothing.
    --persist          Also forget the desired binding of this device, so the
                       daemon does not re-apply it.
${connectionHelp(120)}

  Offline mode (no daemon):
    --offline          Do the work in this process instead of the daemon.
    --allow VENDOR:DEVICE
                       Also manage this PCI id (repeatable).
${OFFLINE_HOST_HELP}

JSON
    As bind: {"version": 1, "operation": OPERATION, "device": DEVICE};
    offline, {"version": 1, "operation": OPERATION}.

EXIT STATUS
    0   the device verifiably is on its kernel driver, override cleared
    1   the restore failed; the message says "rolled back" or "DEGRADED"
    3   no such device
    4   a precondition failed (driver not loaded, device in use, unknown
        kernel driver), the kernel refused a step and it was rolled back,
        or --offline found a daemon answering
    7   aborted: another operation holds the device
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent restore ens6
    eni-agent restore 0000:00:06.0 --dry-run
    eni-agent restore eni-0f95d3625f5c521cc --persist --json
`;

const RESTORE: MoveCommand<typeof MOVE_FLAGS> = {
  name: "restore",
  flags: MOVE_FLAGS,
  request(_values, positionals) {
    const [device] = exactArguments("restore", positionals, 1, "one device");
    return { kind: "restore", device: device!, driver: null, confirmWithinMs: null };
  },
};

export function run(argv: readonly string[], io: CliIo): Promise<number> {
  return runMove(RESTORE, argv, io);
}

/** `run` on a given host (tests pass a simulated one). */
export function runRestore(
  argv: readonly string[],
  io: CliIo,
  hostFor: (roots: HostRoots) => OfflineHost,
): Promise<number> {
  return runMove(RESTORE, argv, io, hostFor);
}
