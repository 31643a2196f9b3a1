/**
 * Dispatch for the `eni-agent` command: top-level help and version, the
 * lazy command table, and the one place that turns errors into messages and
 * exit codes. Takes its I/O as a parameter so tests run it in-process.
 */
import { isAgentError } from "../common/index.js";
import type { CliIo } from "./command.js";
import { COMMANDS } from "./commands.js";
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from "./exit-codes.js";

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
    transactions. The daemon does the work; this command talks to it, and
    some commands (status) read the kernel's state directly, without it.

COMMANDS
${list}

    Run 'eni-agent COMMAND --help' for a command's options.

OPTIONS
    -h, --help      Show this help.
    -V, --version   Print the version.

EXIT STATUS
    0   success
    1   the operation failed
    2   usage error, or an invalid argument
    3   not found (device, file, interface)
    4   failed precondition (a guard refused, a driver or module is missing)
    5   permission denied
    6   unavailable or timed out (daemon unreachable, device busy); retry may help
    7   aborted (lost a race with another change)
    70  internal error (a bug: please report it with the message)
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
      io.stdout.write(`eni-agent ${await version()}\n`);
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
    const command = await spec.load();
    return await command.run(rest, io);
  } catch (err) {
    io.stderr.write(describe(first, err));
    return exitCodeFor(err);
  }
}

function describe(command: string | undefined, err: unknown): string {
  const prefix = command && Object.hasOwn(COMMANDS, command) ? `eni-agent ${command}` : "eni-agent";
  if (!isAgentError(err)) {
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return `${prefix}: internal error: ${detail}\n`;
  }
  const remedy = err.remedy ? `\n${prefix}: ${err.remedy}` : "";
  return `${prefix}: ${err.message}${remedy}\n`;
}

async function version(): Promise<string> {
  const pkg = await import("../../package.json", { with: { type: "json" } });
  return pkg.default.version;
}
