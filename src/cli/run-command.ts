/**
 * Runs one command and is the one place that turns its errors into a message,
 * a JSON error document and an exit code. Kept apart from the command table
 * (commands.ts) so that the status entry point can use it without bundling
 * every other command.
 */
import { isAgentError } from "../common/index.js";
import type { CliIo, CommandModule } from "./command.js";
import { EXIT_INTERRUPTED, EXIT_OK, exitCodeFor } from "./exit-codes.js";

/** Loads and runs the command `name` with `argv` (the words after its name); never throws. */
export async function runCommand(
  name: string,
  load: () => Promise<CommandModule>,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  try {
    const command = await load();
    if (wantsHelp(argv)) {
      io.stdout.write(command.HELP);
      return EXIT_OK;
    }
    return await command.run(argv, io);
  } catch (err) {
    return reportFailure(`eni-agent ${name}`, argv, err, io);
  }
}

/**
 * Prints `err` on stderr, each line starting with `prefix`, and as one JSON
 * line on stdout when `argv` asked for --json; returns the exit code.
 */
export function reportFailure(
  prefix: string,
  argv: readonly string[],
  err: unknown,
  io: CliIo,
): number {
  const code = io.signal?.aborted === true ? EXIT_INTERRUPTED : exitCodeFor(err);
  io.stderr.write(describe(prefix, err));
  if (wantsJson(argv)) {
    const error = isAgentError(err)
      ? err.toJSON()
      : { code: "INTERNAL", message: err instanceof Error ? err.message : String(err) };
    // One line: a valid document for JSON readers and a valid line for `watch --json` readers.
    io.stdout.write(`${JSON.stringify({ version: 1, error, exitCode: code })}\n`);
  }
  return code;
}

/** Whether the command line asked for JSON (before a "--" that ends the options). */
function wantsJson(argv: readonly string[]): boolean {
  return options(argv).includes("--json");
}

/**
 * Whether the command line asked for the manual page: every command answers
 * -h and --help with its HELP, whatever else the line holds, so no command
 * parses for it.
 */
function wantsHelp(argv: readonly string[]): boolean {
  const words = options(argv);
  return words.includes("--help") || words.includes("-h");
}

/** The words before a "--" that ends the options. */
function options(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf("--");
  return end < 0 ? argv : argv.slice(0, end);
}

function describe(prefix: string, err: unknown): string {
  if (!isAgentError(err)) {
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return `${prefix}: internal error: ${detail}\n`;
  }
  const facts = [
    err.guard ? `guard ${err.guard}` : "",
    err.errno ? `${err.errno}${err.syscall ? ` from ${err.syscall}` : ""}` : "",
    err.path && err.syscall !== "connect" ? `on ${err.path}` : "",
    err.device ? `device ${err.device}` : "",
    err.awsCode ? `AWS ${err.awsCode}` : "",
    err.operationId ? `operation ${err.operationId}` : "",
  ].filter(Boolean);
  const detail = facts.length > 0 ? `\n${prefix}: (${facts.join("; ")})` : "";
  const remedy = err.remedy ? `\n${prefix}: ${err.remedy}` : "";
  return `${prefix}: ${err.message}${detail}${remedy}\n`;
}
