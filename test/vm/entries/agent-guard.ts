/**
 * The default-route guard on a real kernel: eth0 carries the guest's
 * default route (busybox `ip`), and `eni-agent bind eth0` refuses, naming
 * the guard and the interface, without writing or journaling anything. The
 * route comes from the guest's own /proc/net/route, read by the same adapter
 * the agent uses. --force overrides the guard (the move then commits and is
 * undone); a NIC without the route binds without force.
 */
import { RealDefaultRouteReader } from "../../../src/sysfs/index.js";
import type { GuestContext, GuestResult } from "../guest-entry.js";
import { Checks } from "../kit/checks.js";
import { agentCli, agentOps, describeRun, resultOf } from "../kit/cli.js";
import { describeNic, emulatedNics, readNic } from "../kit/nic-state.js";

export const setup = `
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2 dev eth0
`;

export const configs = ["uio"] as const;

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  const c = new Checks();
  const [first, second] = emulatedNics(ctx.sysRoot) as [string, string];
  const driver = ctx.config.dpdkDriver;
  const nic = (address: string) => readNic(ctx.sysRoot, ctx.devRoot, address);
  const routed = nic(first);
  const name = routed.net[0]?.name;
  c.check("eth0 is the first NIC's interface", name === "eth0", describeNic(routed));

  const routes = await new RealDefaultRouteReader({ procRoot: ctx.procRoot }).defaultRoutes();
  c.check(
    "the agent's route reader sees the guest's default route on eth0 via 10.0.2.2",
    routes.some((r) => r.family === 4 && r.interface === "eth0" && r.gateway === "10.0.2.2"),
    routes,
  );

  const refused = await agentCli(ctx, "bind", "eth0", driver);
  const after = nic(first);
  c.check(
    "bind eth0 is refused by the default-route guard (exit 4), naming eth0 and the gateway",
    refused.code === 4 &&
      refused.stderr.includes("default-route") &&
      refused.stderr.includes("eth0") &&
      refused.stderr.includes("10.0.2.2"),
    describeRun(refused),
  );
  c.check(
    "nothing was written: still e1000e, override (null), eth0",
    after.driver === "e1000e" && after.override === "(null)\n" && after.net[0]?.name === "eth0",
    describeNic(after),
  );
  const ops = await c.attempt("eni-agent ops", () => agentOps(ctx));
  c.check("nothing was journaled", ops?.length === 0, ops);

  // The guard is about this interface only: another NIC moves without force.
  const other = await agentCli(ctx, "bind", second, driver, "--json");
  const back = await agentCli(ctx, "restore", second, "--json");
  c.check(
    "a NIC without the default route binds and restores without --force",
    resultOf(other)?.status === "committed" && resultOf(back)?.status === "committed",
    `${describeRun(other)}\n${describeRun(back)}`,
  );

  const forced = await agentCli(ctx, "bind", "eth0", driver, "--force", "--json");
  const forcedResult = resultOf(forced);
  c.check(
    "--force overrides the guard and says so",
    forcedResult?.status === "committed" && forcedResult.force && nic(first).driver === driver,
    describeRun(forced),
  );
  const restored = await agentCli(ctx, "restore", first, "--json");
  const home = nic(first);
  c.check(
    "restored: e1000e with the MAC it had, override (null)",
    resultOf(restored)?.status === "committed" &&
      home.driver === "e1000e" &&
      home.override === "(null)\n" &&
      home.net[0]?.mac === routed.net[0]?.mac,
    `${describeRun(restored)}\n${describeNic(home)}`,
  );
  return c.results;
}
