/**
 * A bind on trial on a real kernel: the daemon runs in the guest (in this
 * process, on a Unix socket), `eni-agent bind eth1 vfio-pci --try 20s`
 * commits and awaits confirmation; nobody confirms, so at the deadline the
 * daemon restores the NIC with the verified restore transaction: e1000e
 * again, driver_override "(null)", the interface back with its MAC. The
 * journal (through `ops`) says the bind was reverted and by which restore,
 * and a late confirm is refused.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { runCli } from "../../../src/cli/run-cli.js";
import type { GuestContext, GuestResult } from "../guest-entry.js";
import { Checks } from "../kit/checks.js";
import { type CliRun, describeRun } from "../kit/cli.js";
import { describeNic, emulatedNics, readNic } from "../kit/nic-state.js";

export const configs = ["viommu"] as const;

const DIR = "/run/eni-agent-try";
const SOCKET = `${DIR}/eni-agent.sock`;
const TRIAL_S = 20;
/** After the deadline: the daemon's watch reverts at once; TCG makes the restore slow. */
const REVERT_BOUND_MS = 60_000;

/** `eni-agent ...args` in this process, talking to the guest's daemon. */
async function daemonCli(...args: string[]): Promise<CliRun> {
  const argv = [...args, "--socket", SOCKET];
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

function json(run: CliRun): Record<string, unknown> | null {
  try {
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  const c = new Checks();
  const device = emulatedNics(ctx.sysRoot)[1]!;
  const nic = () => readNic(ctx.sysRoot, ctx.devRoot, device);
  const before = nic();
  const home = before.net[0];
  if (!c.check("the NIC starts on e1000e with an interface", !!home, describeNic(before))) {
    return c.results;
  }

  mkdirSync(DIR, { recursive: true });
  const configPath = `${DIR}/config.json`;
  writeFileSync(
    configPath,
    JSON.stringify({
      stateDir: ctx.stateDir,
      allowedDevices: ctx.allowedDevices,
      listeners: { socket: { path: SOCKET } },
      imds: { enabled: false },
      logLevel: "warn",
    }),
  );
  let log = "";
  const stop = new AbortController();
  const serving = runCli(["serve", "--config", configPath], {
    stdout: { write: (text: string) => (log += text) },
    stderr: { write: (text: string) => (log += text) },
    env: {},
    signal: stop.signal,
  });
  try {
    const ready = await daemonCli("ready", "--wait", "60");
    if (
      !c.check("the daemon serves in the guest", ready.code === 0, `${describeRun(ready)}\n${log}`)
    ) {
      return c.results;
    }

    const bind = await daemonCli("bind", home!.name, "vfio-pci", "--try", `${TRIAL_S}s`, "--json");
    const op = json(bind)?.operation as
      | { id: string; status: string; confirmation: { deadline: string; state: string } | null }
      | undefined;
    const bound = nic();
    c.check(
      `bind ${home!.name} vfio-pci --try ${TRIAL_S}s commits and awaits confirmation`,
      bind.code === 0 &&
        op?.status === "awaiting_confirmation" &&
        op.confirmation?.state === "pending" &&
        !Number.isNaN(Date.parse(op.confirmation.deadline)),
      describeRun(bind),
    );
    c.check(
      "on vfio-pci while it awaits: override set, /dev/vfio node present",
      bound.driver === "vfio-pci" && bound.override === "vfio-pci\n" && bound.devNode !== null,
      describeNic(bound),
    );
    if (op === undefined) return c.results;

    // Nobody confirms. Wait for the NIC to come home (or the bound to run out).
    const deadlineMs = Date.parse(op.confirmation?.deadline ?? "");
    const waitUntil = Date.now() + TRIAL_S * 1000 + REVERT_BOUND_MS;
    let after = nic();
    while (Date.now() < waitUntil && !(after.driver === "e1000e" && after.net.length === 1)) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = nic();
    }
    const homeAt = Date.now();
    c.check(
      "after the deadline, unconfirmed: back on e1000e, override (null), the interface with its MAC",
      after.driver === "e1000e" &&
        after.override === "(null)\n" &&
        after.net.length === 1 &&
        after.net[0]?.mac === home!.mac,
      { before: describeNic(before), after: describeNic(after), log },
    );
    c.check(
      "not before the deadline",
      homeAt >= deadlineMs,
      `home at ${new Date(homeAt).toISOString()}, deadline ${op.confirmation?.deadline}`,
    );

    const ops = await daemonCli("ops", "--json");
    const list = (json(ops)?.operations ?? []) as {
      id: string;
      kind: string;
      status: string;
      confirmation: { state: string; by: string | null } | null;
    }[];
    const tried = list.find((o) => o.id === op.id);
    const revert = list.find((o) => o.id === tried?.confirmation?.by);
    c.check(
      "ops: the bind is reverted, by a restore that succeeded",
      tried?.status === "reverted" &&
        tried.confirmation?.state === "reverted" &&
        revert?.kind === "restore" &&
        revert.status === "succeeded",
      describeRun(ops),
    );
    const late = await daemonCli("confirm", op.id);
    c.check(
      "a late confirm is refused (exit 4), naming the deadline",
      late.code === 4 && /was not confirmed by/.test(late.stderr),
      describeRun(late),
    );
  } finally {
    stop.abort();
    const code = await serving;
    c.check("the daemon stops cleanly", code === 0, log);
  }
  return c.results;
}
