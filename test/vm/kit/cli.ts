/**
 * The `eni-agent` command run in-process, the way main.ts runs it, with its
 * output captured and the guest's configuration file passed: the entries
 * drive the agent as a person at a shell would.
 */
import { runCli } from "../../../src/cli/run-cli.js";
import type { OperationResult, OperationView } from "../../../src/driver/index.js";
import type { GuestContext } from "../guest-entry.js";

export interface CliRun {
  argv: readonly string[];
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `eni-agent COMMAND --offline ...args --config <the guest's>`: the guest runs no daemon. */
export async function agentCli(
  ctx: Pick<GuestContext, "configPath">,
  command: string,
  ...args: string[]
): Promise<CliRun> {
  const argv = [command, "--offline", ...args, "--config", ctx.configPath];
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

/** The result `bind`/`restore --json` printed, or null when it printed none. */
export function resultOf(run: CliRun): OperationResult | null {
  if (run.code !== 0) return null;
  try {
    return JSON.parse(run.stdout) as OperationResult;
  } catch {
    return null;
  }
}

/** What `ops --json` lists. */
export async function agentOps(
  ctx: Pick<GuestContext, "configPath">,
): Promise<(OperationView["header"] & Pick<OperationView, "status" | "error">)[]> {
  const run = await agentCli(ctx, "ops", "--json");
  if (run.code !== 0) throw new Error(describeRun(run));
  return (JSON.parse(run.stdout) as { operations: never[] }).operations;
}

/** The command, its exit status and output, for a failure detail. */
export function describeRun(run: CliRun): string {
  return `eni-agent ${run.argv.join(" ")} → exit ${run.code} in ${run.ms} ms\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}
