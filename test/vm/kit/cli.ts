/**
 * The `eni-agent` command run in-process, the way main.ts runs it, with its
 * output captured: the entries drive the agent as a person at a shell would.
 */
import { runCli } from "../../../src/cli/run-cli.js";

export interface CliRun {
  argv: readonly string[];
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export async function agentCli(argv: readonly string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const started = performance.now();
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
  });
  return { argv, code, stdout, stderr, ms: Math.round(performance.now() - started) };
}

/** One line for a failure detail. */
export function describeRun(run: CliRun): string {
  return `eni-agent ${run.argv.join(" ")} → exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}
