/**
 * `eni-agent restore DEVICE`: gives a device back to its kernel driver, with
 * driver_override cleared, as one verified, journaled transaction (offline).
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
    eni-agent restore - give a device back to its kernel driver

SYNOPSIS
    eni-agent restore DEVICE [--dry-run] [--persist] [--json]
                      [--allow VENDOR:DEVICE]... [--config FILE] [--state-dir DIR]
                      [--sysfs-root DIR] [--proc-root DIR]

DESCRIPTION
    Returns DEVICE to the kernel driver it had before eni-agent first moved
    it (the journal's snapshot: ena for an ENA), with driver_override
    cleared, and verifies that its interface is back with the MAC it had,
    under whatever name the kernel gives it now (names are handed out
    lowest-free first: ens6 may come back as eth1). Addresses and link state
    are not restored: the interface comes back down, for the network
    configuration to pick up.

    When the journal has no record of the device, the kernel driver comes
    from "kernelDrivers" in the configuration (ENA ids map to ena).

    DEVICE is a PCI address, a MAC address or an interface name; a MAC or
    name the device had under its kernel driver still finds it.

    A device already on its kernel driver with no override: nothing to do.
    A device on its kernel driver with an override set: the override is
    cleared. Like bind, restore runs offline, takes the state directory's
    lock, and first resolves operations left unfinished.

    If the device is held by a process (a DPDK application has its
    /dev/vfio node open), restore refuses and names the process: unbinding
    a device in use blocks in the kernel until it is released.

OPTIONS
    --dry-run          Print the plan and write nothing.
    --persist          Also forget the desired binding of this device.
    --json             Print the result (or plan) as JSON.
    --allow VENDOR:DEVICE
                       Also manage this PCI id (repeatable).
    --config FILE      JSON configuration (see docs/driver.md).
    --state-dir DIR    Journal and desired bindings (default /var/lib/eni-agent).
    --sysfs-root DIR   Directory standing for /sys (default /sys).
    --proc-root DIR    Directory standing for /proc (default /proc).
    -h, --help         Show this help.

EXIT STATUS
    0   the device verifiably is on its kernel driver, override cleared
    1   the restore failed; the message says "rolled back" or "DEGRADED"
    2   usage error or invalid argument
    3   no such device
    4   a precondition failed (driver not loaded, device in use, unknown
        kernel driver), or the kernel refused a step and it was rolled back
    5   permission denied
    6   unavailable or timed out (a write stuck in the kernel: STUCK)
    7   aborted: another operation holds the device, or another process the
        state directory

EXAMPLES
    eni-agent restore ens6
    eni-agent restore 0000:00:06.0 --dry-run
`;

const FLAGS = {
  ...HOST_FLAGS,
  "dry-run": { type: "boolean" },
  persist: { type: "boolean" },
} as const;

export function run(argv: readonly string[], io: CliIo): Promise<number> {
  return runRestore(argv, io, (roots) => realHost(roots, process.pid));
}

/** `run` on a given host (tests pass a simulated one). */
export async function runRestore(
  argv: readonly string[],
  io: CliIo,
  hostFor: (roots: ReturnType<typeof rootsOf>) => OfflineHost,
): Promise<number> {
  const { argv: rest, allow } = takeAllow("restore", argv);
  const { values, positionals } = parseFlags("restore", rest, FLAGS);
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const [device] = oneDevice("restore", positionals, 1) as [string];
  const host = hostFor(rootsOf(values));
  if (values["dry-run"]) {
    return withEngine(values, allow, host, io, "read", async ({ engine }) => {
      const planned = await engine.planRestore(device);
      io.stdout.write(values.json ? `${JSON.stringify(planned, null, 2)}\n` : renderPlan(planned));
      return EXIT_OK;
    });
  }
  return withEngine(values, allow, host, io, "write", async ({ engine }) => {
    engine.subscribe(progressPrinter(io));
    const result = await engine.restore(device, { persist: values.persist });
    for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
    const verb = `restored to ${result.state.driver ?? "its kernel driver"}`;
    io.stdout.write(
      values.json ? `${JSON.stringify(result, null, 2)}\n` : renderDone(verb, result),
    );
    return EXIT_OK;
  });
}
