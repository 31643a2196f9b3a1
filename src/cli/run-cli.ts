/**
 * Dispatch for the `eni-agent` command: top-level help and version and the
 * lazy command table; run-command.ts turns errors into messages and exit
 * codes. Takes its I/O as a parameter so tests run it in-process.
 */
import { cliVersion } from "./cli-version.js";
import type { CliIo } from "./command.js";
import { COMMANDS } from "./commands.js";
import { EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import { reportFailure, runCommand } from "./run-command.js";

/** The manual page of `eni-agent` itself (--help; docs/cli.md and man/eni-agent.1 are generated from it). */
export function topLevelHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  const list = names.map((n) => `    ${n.padEnd(width)}   ${COMMANDS[n]!.summary}`).join("\n");
  return `NAME
    eni-agent - hand EC2 ENA network devices to DPDK and back, safely

SYNOPSIS
    eni-agent COMMAND [OPTIONS]
    eni-agent help COMMAND
    eni-agent --help | --version

DESCRIPTION
    eni-agent moves ENA devices between the kernel driver and DPDK-capable
    drivers (vfio-pci, uio_pci_generic, igb_uio) as verified, journaled
    transactions. The daemon ('eni-agent serve', run by systemd) does the
    work; the other commands talk to it over gRPC on its Unix socket (or on
    its mutual-TLS TCP listener with --address). Where no daemon runs,
    status and doctor read the kernel's state directly, and bind, restore
    and ops work offline with --offline.

COMMANDS
${list}

    Run 'eni-agent COMMAND --help' for a command's options.

OPTIONS
    -h, --help      Show this help.
    -V, --version   Print the version of this command (see 'eni-agent version'
                    for the daemon's too).

ENVIRONMENT
    ENI_AGENT_SOCKET   The daemon's socket when --socket is not given
                       (default /run/eni-agent/eni-agent.sock).

EXIT STATUS
    0   success (bind, restore: the device verifiably reached the target)
    1   the operation failed (e.g. a rollback that left the device DEGRADED)
    2   usage error: unknown option, missing or extra argument, invalid value
    3   not found (device, operation, file, interface)
    4   failed precondition: a guard refused, a driver or module is missing,
        doctor found a FAIL, --offline next to a daemon, serve found its
        socket taken by another daemon
    5   permission denied (e.g. a mutating call on the read-only socket)
    6   unavailable or timed out: the daemon is busy or stopping, the device
        is busy (EBUSY, EAGAIN), the connection ended a call before the
        daemon answered, serve could not bind a listener; retrying may help
    7   aborted: another operation holds the device, or something else
        moved it
    8   no daemon answers on the socket or address (no socket, connection
        refused, no permission to connect)
    70  internal error (a bug: please report it with the message)
    130 interrupted (Ctrl-C) while a call was in flight; a second Ctrl-C
        exits at once

    Exit codes follow the error's canonical code, never its message; 8 is
    the only one decided by where the error came from (a failed connect(2)
    before any call was made). With --json, a failure also prints
    {"version": 1, "error": {...}, "exitCode": N} on standard output
    (docs/cli.md).
`;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === "-h" || first === "--help") {
      io.stdout.write(topLevelHelp());
      return first === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (first === "-V" || first === "--version") {
      io.stdout.write(`eni-agent ${await cliVersion()}\n`);
      return EXIT_OK;
    }
    if (first === "help") {
      return rest[0] === undefined ? runCli(["--help"], io) : runCli([rest[0], "--help"], io);
    }
    const spec = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (spec === undefined) {
      io.stderr.write(
        `eni-agent: unknown command ${JSON.stringify(first)}\n` +
          `Commands: ${Object.keys(COMMANDS).join(", ")}. Run 'eni-agent --help' for usage.\n`,
      );
      return EXIT_USAGE;
    }
    return await runCommand(first, spec.load, rest, io);
  } catch (err) {
    return reportFailure("eni-agent", rest, err, io);
  }
}
