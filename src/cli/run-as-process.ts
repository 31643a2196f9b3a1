/**
 * The part of an entry point that touches `process`: standard streams,
 * environment, signals and the exit code. main.ts (every command) and
 * status-main.ts (the fast start of `eni-agent status`) both run through it,
 * so the two behave the same.
 */
import type { CliIo } from "./command.js";

/** Runs `run` with the process's I/O and sets `process.exitCode` to what it returns. */
export async function runAsProcess(run: (io: CliIo) => Promise<number>): Promise<void> {
  // `eni-agent status | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
  });

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
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: interrupt.signal,
  });
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
}
