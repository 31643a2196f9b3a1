/**
 * What a CLI command is. Commands are modules loaded on demand (see
 * commands.ts), so `eni-agent status` never loads gRPC, the AWS SDK or pino.
 */
import type { Clock } from "../common/clock.js";

/**
 * Where a command writes and what it may read of its environment. Only
 * run-as-process.ts builds one from `process`.
 */
export interface CliIo {
  /** `isTTY`: a person watches; a countdown may redraw its line. */
  stdout: { write(text: string): unknown; isTTY?: boolean };
  /** `isTTY`: progress may redraw one line instead of printing many. */
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** The entry point's environment (ENI_AGENT_SOCKET); modules never read `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Aborts on Ctrl-C (SIGINT) or SIGTERM. `watch` ends on it; calls in flight
   * are cancelled. Absent in tests that never interrupt.
   */
  signal?: AbortSignal;
  /** Wall time for countdowns; the real one when absent (tests step their own). */
  clock?: Clock;
}

/** A command module's contract: parse `argv` (the words after the command name), do the work, return an exit code. */
export interface CommandModule {
  run(argv: readonly string[], io: CliIo): Promise<number>;
  /** The manual page: run-command.ts prints it for -h and --help, and docs/cli.md is generated from it. */
  readonly HELP: string;
}

export interface CommandSpec {
  /** One line for the top-level help. */
  summary: string;
  /** Loads the module; called only when the command runs. */
  load: () => Promise<CommandModule>;
}
