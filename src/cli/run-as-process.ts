/**
 * The part of an entry point that touches `process`: standard streams,
 * environment, signals and the exit code. main.ts (every command) and
 * status-main.ts (the fast start of `eni-agent status`) both run through it,
 * so the two behave the same.
 */
import { blockingStdout } from "./blocking-stdout.js";
import type { CliIo } from "./command.js";

interface ProcessIoOptions {
  /**
   * Write standard output with blocking write(2) calls (blocking-stdout.ts)
   * rather than through process.stdout. Only for a command that prints its
   * result and exits: the daemon's log must never block its event loop.
   */
  blockingStdout?: boolean;
}

/** Runs `run` with the process's I/O and sets `process.exitCode` to what it returns. */
export async function runAsProcess(
  run: (io: CliIo) => Promise<number>,
  options: ProcessIoOptions = {},
): Promise<void> {
  const stdout = options.blockingStdout ? blockingStdout(1, processStdout) : processStdout();

  // The first Ctrl-C asks the command to stop (watch ends, a call in flight is
  // cancelled and the command says what became of it); a second one exits at once.
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupt.signal.aborted) process.exit(signal === "SIGINT" ? 130 : 143);
    interrupt.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  process.exitCode = await run({
    stdout,
    stderr: lazyStderr(),
    env: process.env,
    signal: interrupt.signal,
  });
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
}

/** process.stdout, which must not call a reader that went away early an error. */
function processStdout(): NodeJS.WriteStream {
  // `eni-agent status | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
  });
  return process.stdout;
}

/**
 * process.stderr made on first use: making it loads node's stream and socket
 * code (about 1 ms when stderr is a pipe or a terminal), and most runs of
 * `status` never write to it.
 */
function lazyStderr(): CliIo["stderr"] {
  return {
    write: (text: string) => process.stderr.write(text),
    get isTTY() {
      return process.stderr.isTTY;
    },
  };
}
