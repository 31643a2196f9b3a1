/**
 * Two NICs restored in the opposite order to the one they left in, on a
 * real kernel. The kernel hands out the lowest free eth<N>, so the second
 * and third NIC come back with each other's old names; the agent still
 * verifies each device by its own MAC. A MAC names a device for good; an
 * old interface name may name the other NIC by then (a live name wins).
 */
import type { GuestContext, GuestResult } from "../guest-entry.js";
import { Checks } from "../kit/checks.js";
import { agentCli, agentOps, describeRun, resultOf } from "../kit/cli.js";
import { describeNic, emulatedNics, readNic } from "../kit/nic-state.js";

export const configs = ["uio"] as const;

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  const c = new Checks();
  const [, b, cc] = emulatedNics(ctx.sysRoot) as [string, string, string];
  const driver = ctx.config.dpdkDriver;
  const nic = (address: string) => readNic(ctx.sysRoot, ctx.devRoot, address);
  const before = { b: nic(b), c: nic(cc) };
  const homeB = before.b.net[0];
  const homeC = before.c.net[0];
  if (!c.check("both NICs start with an interface", !!homeB && !!homeC, before)) return c.results;

  for (const address of [b, cc]) {
    const run = await agentCli(ctx, "bind", address, driver, "--json");
    c.check(`bind ${address} commits`, resultOf(run)?.status === "committed", describeRun(run));
  }
  // C first. By MAC: a MAC is the device's identity, a name is not (see below).
  const first = await agentCli(ctx, "restore", homeC!.mac, "--json");
  // eth<N> of B now names C's interface: a live name wins over the
  // journal's memory, so the old name resolves to C, for which there is
  // nothing to do, and B is left alone.
  const byName = await agentCli(ctx, "restore", homeB!.name, "--dry-run", "--json");
  // A dry run that has nothing to do plans no write: only the verification.
  const plan =
    byName.code === 0
      ? (
          JSON.parse(byName.stdout) as {
            operation: { pciAddress: string; steps: { path: string | null }[] };
          }
        ).operation
      : null;
  c.check(
    `after C came back, the name ${homeB!.name} resolves to C (live), a no-op`,
    plan?.pciAddress === cc && plan.steps.every((step) => step.path === null),
    describeRun(byName),
  );
  const second = await agentCli(ctx, "restore", homeB!.mac, "--json");
  c.check(
    "restore by MAC, C then B: each finds its own device",
    resultOf(first)?.device === cc && resultOf(second)?.device === b,
    `${describeRun(first)}\n${describeRun(second)}`,
  );
  const after = { b: nic(b), c: nic(cc) };
  c.check(
    "each NIC is back on e1000e with its own MAC, override (null)",
    [after.b, after.c].every((n) => n.driver === "e1000e" && n.override === "(null)\n") &&
      after.b.net[0]?.mac === homeB!.mac &&
      after.c.net[0]?.mac === homeC!.mac,
    {
      before: [describeNic(before.b), describeNic(before.c)],
      after: [describeNic(after.b), describeNic(after.c)],
    },
  );
  // The kernel's lowest-free naming: restored first, C takes the lower name.
  c.check(
    `the kernel swapped the names (C ${homeC!.name} → ${after.c.net[0]?.name}, B ${homeB!.name} → ${after.b.net[0]?.name})`,
    after.c.net[0]?.name === homeB!.name && after.b.net[0]?.name === homeC!.name,
    { b: describeNic(after.b), c: describeNic(after.c) },
  );
  const ops = await c.attempt("eni-agent ops", () => agentOps(ctx));
  c.check(
    "four operations, all committed",
    ops?.length === 4 && ops.every((o) => o.status === "committed"),
    ops?.map((o) => [o.kind, o.device, o.status]),
  );
  return c.results;
}
