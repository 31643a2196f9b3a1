/**
 * The agent SIGKILLed in the middle of a bind, on a real kernel: a child
 * process takes the state directory's lock as the offline agent does, runs
 * the driver engine, prints a marker at the step boundary after the unbind
 * and before the bind, and is killed there, leaving the NIC unbound with
 * driver_override set and a stale lock behind. Then the agent starts again,
 * twice:
 *
 * 1. as a fresh engine: it refuses work until it has recovered, and
 *    recovery rolls the NIC back to its snapshot (e1000e, override cleared,
 *    the interface with its MAC); afterwards bind and restore commit;
 * 2. as `eni-agent restore`: it takes over the dead agent's lock, resolves
 *    the interrupted operation first (rolled back, said on stderr), and
 *    then finds nothing left to do.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DriverName, PciAddress } from "../../../src/common/index.js";
import { lockStateDir } from "../../../src/driver/index.js";
import { spawnGuestChild } from "../guest/guest-child.js";
import type { GuestContext, GuestResult } from "../guest-entry.js";
import { Checks, within } from "../kit/checks.js";
import { agentCli, describeRun, resultOf } from "../kit/cli.js";
import { type GuestRoots, guestEngine, journalOperations, rootsOf } from "../kit/guest-agent.js";
import { describeNic, emulatedNics, type NicState, readNic } from "../kit/nic-state.js";

export const configs = ["viommu"] as const;

const STOP = "STOPPED";

export const children = {
  /** args: roots (JSON), device, driver. Binds, and hangs before the bind step. */
  agent: async ([json, device, driver]: readonly string[]) => {
    let stopAt: string | null = null;
    const print = (line: string) => process.stdout.write(`${line}\n`);
    const roots = JSON.parse(json!) as GuestRoots;
    const engine = guestEngine(roots, {
      boundary: async (_, at) => {
        print(`AT ${at}`);
        if (at !== stopAt) return;
        print(STOP);
        await new Promise(() => setInterval(() => undefined, 1 << 30));
      },
    });
    engine.subscribe((event) => {
      if (event.type !== "begin") return;
      const bind = event.steps.findIndex((s) => s.kind === "bind");
      // Only where the step before the bind is the unbind is this the window under test.
      if (bind > 0 && event.steps[bind - 1]!.kind === "unbind") stopAt = `step:${bind}`;
      print(`STEPS ${JSON.stringify(event.steps)}`);
    });
    await lockStateDir(roots.stateDir, { pid: process.pid, procRoot: "/proc" });
    await engine.recover();
    const result = await engine.bind(device! as PciAddress, driver! as DriverName);
    print(`DONE ${result.status}`);
  },
};

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  const c = new Checks();
  const device = emulatedNics(ctx.sysRoot)[1]!;
  const driver = ctx.config.dpdkDriver;
  const roots = rootsOf(ctx);
  const nic = () => readNic(ctx.sysRoot, ctx.devRoot, device);
  const before = nic();
  const mac = before.net[0]?.mac;
  c.check(
    "the NIC starts on e1000e with an interface",
    before.driver === "e1000e" && !!mac,
    before,
  );
  const atHome = (n: NicState) =>
    n.driver === "e1000e" &&
    n.override === "(null)\n" &&
    n.net.length === 1 &&
    n.net[0]?.mac === mac;

  /** Round `n`: the child agent is killed before the bind; returns the open operation's id. */
  const crash = async (n: number): Promise<string | undefined> => {
    const child = spawnGuestChild("agent-crash", "agent", [JSON.stringify(roots), device, driver]);
    const stopped = await c.attempt(`${n}: the agent reaches the boundary before the bind`, () =>
      within(
        60_000,
        "marker",
        child.waitFor((line) => line === STOP, 60_000),
      ),
    );
    if (stopped === undefined) {
      await child.kill("SIGKILL");
      c.check(`${n}: child output`, false, `${child.lines.join("\n")}\n${child.stderr()}`);
      return undefined;
    }
    const mid = nic();
    c.check(
      `${n}: stopped after the unbind and before the bind: unbound, override set`,
      mid.driver === null && mid.override === `${driver}\n`,
      { mid: describeNic(mid), lines: child.lines },
    );
    const exit = await child.kill("SIGKILL");
    c.check(`${n}: the agent died of SIGKILL`, exit?.signal === "SIGKILL", exit);
    const lock = readFileSync(join(ctx.stateDir, "lock"), "utf8").trim();
    // The lock names its owner by pid and start time (see src/driver/state-lock.ts).
    const [lockPid, lockStart] = lock.split(" ");
    c.check(
      `${n}: the dead agent's lock is left behind, naming its pid and start time`,
      lockPid === String(child.pid) && /^[1-9][0-9]*$/.test(lockStart ?? ""),
      lock,
    );
    const open = journalOperations(ctx.stateDir).at(-1);
    c.check(
      `${n}: the journal holds the operation open`,
      open?.status === "running" && open.header.device === device && open.header.kind === "bind",
      open && [open.header.id, open.status],
    );
    return open?.header.id;
  };

  // Round 1: a fresh engine.
  const first = await crash(1);
  if (first === undefined) return c.results;
  const engine = guestEngine(roots);
  const early = await engine.bind(device as PciAddress, driver as DriverName).then(
    () => "accepted",
    (err: { code?: string }) => err.code ?? String(err),
  );
  const untouched = nic();
  c.check(
    "1: the restarted agent refuses work before it has recovered",
    early === "UNAVAILABLE" && untouched.driver === null && untouched.override === `${driver}\n`,
    { early, nic: describeNic(untouched) },
  );
  const report = await c.attempt("1: recover", () => within(60_000, "recover", engine.recover()));
  const after = nic();
  c.check(
    "1: recovery rolled the operation back",
    report?.resolved.length === 1 &&
      report.resolved[0]?.status === "rolled_back" &&
      report.resolved[0].operationId === first,
    report,
  );
  c.check("1: the NIC is back at its snapshot: e1000e, override (null), its MAC", atHome(after), {
    before: describeNic(before),
    after: describeNic(after),
  });
  const journal = journalOperations(ctx.stateDir);
  c.check(
    "1: the journal says rolled_back",
    journal.length === 1 && journal[0]?.status === "rolled_back",
    journal.map((o) => [o.header.id, o.status, o.error]),
  );
  // Recovered, it accepts work again: the same move now commits, and back.
  const bound = await c.attempt("1: bind after recovery", () =>
    within(60_000, "bind", engine.bind(device as PciAddress, driver as DriverName)),
  );
  const restored = await c.attempt("1: restore after recovery", () =>
    within(60_000, "restore", engine.restore(device as PciAddress)),
  );
  const final = nic();
  c.check(
    "1: after recovery, bind and restore commit",
    bound?.status === "committed" && restored?.status === "committed" && atHome(final),
    { bound: bound?.state, restored: restored?.state, final: describeNic(final) },
  );

  // Round 2: the command line, over the dead agent's lock.
  const second = await crash(2);
  if (second === undefined) return c.results;
  const cli = await agentCli(ctx, "restore", device, "--json");
  const home = nic();
  c.check(
    "2: eni-agent restore takes the stale lock, rolls the interrupted bind back first",
    cli.code === 0 &&
      cli.stderr.includes(`resolved interrupted operation ${second} on ${device}: rolled_back`),
    describeRun(cli),
  );
  c.check(
    "2: …and then has nothing to do: the NIC is home, the lock released",
    resultOf(cli)?.status === "noop" && atHome(home) && !existsSync(join(ctx.stateDir, "lock")),
    `${describeRun(cli)}\n${describeNic(home)}`,
  );
  const last = journalOperations(ctx.stateDir).find((o) => o.header.id === second);
  c.check("2: the journal says rolled_back", last?.status === "rolled_back", last?.status);
  return c.results;
}
