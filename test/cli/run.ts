import type { CliIo } from "../../src/cli/command.js";
import { runCli } from "../../src/cli/run-cli.js";

/** Runs the CLI in-process and captures what it prints. */
export async function runCaptured(
  argv: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
