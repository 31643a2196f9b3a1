/** Entry point of the `eni-agent` command. The only module that touches `process`. */
import { runCli } from "./run-cli.js";

// `eni-agent status | head` closes the pipe early: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
