/**
 * The `eni-agent` command run in-process, the way main.ts runs it, with its
 * output captured and the guest's configuration file passed: the entries
 * drive the agent as a person at a shell would.
 */
import { runCli } from "../../../src/cli/run-cli.js";
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

/**
 * One operation as the CLI's `--json` prints it (docs/cli.md), read back in
 * the engine's words the entries compare with: a journaled success is
 * "committed", a request that found its device already there is "noop"
 * (its id says so), the device is `device`.
 */
export interface CliOperation {
  id: string;
  kind: string;
  status: string;
  device: string | null;
  /** A guard was overridden (the JSON says force, not which guard). */
  force: boolean;
  error: { code?: string; errno?: string; message?: string } | null;
}

interface OperationJson {
  id: string;
  kind: string;
  status: string;
  pciAddress: string | null;
  force: boolean;
  createdAt: string;
  error: CliOperation["error"];
}

function fromJson(o: OperationJson): CliOperation {
  const status =
    o.status === "succeeded" ? (o.id.startsWith("noop-") ? "noop" : "committed") : o.status;
  return { id: o.id, kind: o.kind, status, device: o.pciAddress, force: o.force, error: o.error };
}

/** The operation `bind`/`restore --json` printed, or null when it printed none. */
export function resultOf(run: CliRun): CliOperation | null {
  if (run.code !== 0) return null;
  try {
    const doc = JSON.parse(run.stdout) as { operation?: OperationJson };
    return doc.operation === undefined ? null : fromJson(doc.operation);
  } catch {
    return null;
  }
}

/** What `ops --json` lists. */
export async function agentOps(ctx: Pick<GuestContext, "configPath">): Promise<CliOperation[]> {
  const run = await agentCli(ctx, "ops", "--json");
  if (run.code !== 0) throw new Error(describeRun(run));
  // The CLI lists the newest first; the entries read them in the order they ran.
  const { operations } = JSON.parse(run.stdout) as { operations: OperationJson[] };
  return operations
    .toSorted((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
    .map(fromJson);
}

/** The command, its exit status and output, for a failure detail. */
export function describeRun(run: CliRun): string {
  return `eni-agent ${run.argv.join(" ")} → exit ${run.code} in ${run.ms} ms\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}
