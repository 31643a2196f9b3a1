/**
 * The agent SIGKILLed in the middle of a bind, on a real kernel: a child
 * process runs the driver engine, prints a marker at the step boundary
 * after the unbind and before the bind, and is killed there, leaving the NIC
 * unbound with driver_override set. A fresh engine (the agent started again)
 * refuses work until it has recovered, and recovery rolls the NIC back to its
 * snapshot: e1000e, override cleared, the interface back with its MAC.
 */

import { spawnGuestChild } from "../guest/guest-child.js";
import type { GuestContext, GuestResult } from "../guest-entry.js";
import { Checks, within } from "../kit/checks.js";
import { type GuestRoots, guestEngine, journalOperations, rootsOf } from "../kit/guest-agent.js";
import { describeNic, emulatedNics, readNic } from "../kit/nic-state.js";

export const configs = ["viommu"] as const;

const STOP = "STOPPED";

export const children = {
  /** args: roots (JSON), device, driver. Binds, and hangs before the bind step. */
  agent: async ([roots, device, driver]: readonly string[]) => {
    let stopAt: string | null = null;
    const print = (line: string) => process.stdout.write(`${line}\n`);
    const engine = guestEngine(JSON.parse(roots!) as GuestRoots, {
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
    await engine.recover();
    const result = await engine.bind(device!, driver!);
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

  const child = spawnGuestChild("agent-crash", "agent", [JSON.stringify(roots), device, driver]);
  const stopped = await c.attempt("the agent reaches the boundary before the bind", () =>
    within(
      60_000,
      "marker",
      child.waitFor((line) => line === STOP, 60_000),
    ),
  );
  if (stopped === undefined) {
    await child.kill("SIGKILL");
    c.check("child output", false, `${child.lines.join("\n")}\n${child.stderr()}`);
    return c.results;
  }
  const mid = nic();
  c.check(
    "stopped after the unbind and before the bind: unbound, override set",
    mid.driver === null && mid.override === `${driver}\n`,
    { mid: describeNic(mid), lines: child.lines },
  );
  const exit = await child.kill("SIGKILL");
  c.check("the agent died of SIGKILL", exit?.signal === "SIGKILL", exit);
  const open = journalOperations(ctx.stateDir);
  c.check(
    "the journal holds the operation open",
    open.length === 1 && open[0]?.status === "running" && open[0].header.device === device,
    open.map((o) => [o.header.id, o.status]),
  );

  const engine = guestEngine(roots);
  const early = await engine.bind(device, driver).then(
    () => "accepted",
    (err: { code?: string }) => err.code ?? String(err),
  );
  const untouched = nic();
  c.check(
    "the restarted agent refuses work before it has recovered",
    early === "UNAVAILABLE" && untouched.driver === null && untouched.override === `${driver}\n`,
    { early, nic: describeNic(untouched) },
  );

  const report = await c.attempt("recover", () => within(60_000, "recover", engine.recover()));
  const after = nic();
  c.check(
    "recovery rolled the operation back",
    report?.resolved.length === 1 &&
      report.resolved[0]?.status === "rolled_back" &&
      report.resolved[0].operationId === open[0]?.header.id,
    report,
  );
  c.check(
    "the NIC is back at its snapshot: e1000e, override (null), its MAC",
    after.driver === "e1000e" &&
      after.override === "(null)\n" &&
      after.net.length === 1 &&
      after.net[0]?.mac === mac,
    { before: describeNic(before), after: describeNic(after) },
  );
  const journal = journalOperations(ctx.stateDir);
  c.check(
    "the journal says rolled_back",
    journal.length === 1 && journal[0]?.status === "rolled_back",
    journal.map((o) => [o.header.id, o.status, o.error]),
  );

  // Recovered, it accepts work again: the same move now commits, and back.
  const bound = await c.attempt("bind after recovery", () =>
    within(60_000, "bind", engine.bind(device, driver)),
  );
  const restored = await c.attempt("restore after recovery", () =>
    within(60_000, "restore", engine.restore(device)),
  );
  const final = nic();
  c.check(
    "after recovery, bind and restore commit",
    bound?.status === "committed" &&
      restored?.status === "committed" &&
      final.driver === "e1000e" &&
      final.override === "(null)\n" &&
      final.net[0]?.mac === mac,
    { bound: bound?.state, restored: restored?.state, final: describeNic(final) },
  );
  return c.results;
}
