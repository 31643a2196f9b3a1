/** Entry point of the `eni-agent` command (status starts through status-main.ts instead). */
import { runAsProcess } from "./run-as-process.js";
import { runCli } from "./run-cli.js";

await runAsProcess((io) => runCli(process.argv.slice(2), io));
