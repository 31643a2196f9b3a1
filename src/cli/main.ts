/** Entry point of the `eni-agent` command. The only module that touches `process`. */
import { runCli } from "./run-cli.js";

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

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interrupt.signal,
});
process.off("SIGINT", onSignal);
process.off("SIGTERM", onSignal);
