/**
 * Entry point of `eni-agent status`, for a start about as fast as node's own.
 * The launcher (bin/eni-agent.js) loads it instead of main.ts when the first
 * word is "status"; the build bundles it into one CommonJS file (see
 * scripts/build.mjs for why). It runs exactly what `runCli(["status", ...])`
 * runs, minus the command table that would pull every other command in.
 */
import * as status from "./commands/status.js";
import { runAsProcess } from "./run-as-process.js";
import { runCommand } from "./run-command.js";

// process.argv is [node, launcher, "status", ...the status arguments]. Status
// prints once and exits: blocking writes spare it node's stream machinery.
const argv = process.argv.slice(3);
runAsProcess((io) => runCommand("status", async () => status, argv, io), {
  blockingStdout: true,
}).catch((err: unknown) => {
  // Only a failure to report a failure gets here: let node report it, as it
  // does for main.ts's rejected top-level await.
  queueMicrotask(() => {
    throw err;
  });
});
