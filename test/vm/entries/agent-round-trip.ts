/**
 * `eni-agent bind` and `eni-agent restore` on a real kernel: an e1000e NIC
 * goes to the configuration's DPDK driver (vfio-pci with an IOMMU,
 * uio_pci_generic without) and back. Bound: the driver link, the override
 * and the user-space device node. Restored: e1000e, driver_override
 * "(null)", the interface back with its MAC; `eni-agent ops` lists both
 * operations as committed.
 */
import type { GuestContext, GuestResult } from "../guest-entry.js";
import { Checks } from "../kit/checks.js";
import { agentCli, agentOps, describeRun, resultOf } from "../kit/cli.js";
import { describeNic, emulatedNics, readNic } from "../kit/nic-state.js";

export const configs = ["viommu", "uio"] as const;

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  const c = new Checks();
  const device = emulatedNics(ctx.sysRoot)[1]!;
  const driver = ctx.config.dpdkDriver;
  const nic = () => readNic(ctx.sysRoot, ctx.devRoot, device);
  const before = nic();
  const home = before.net[0];
  if (!c.check("the NIC starts on e1000e with an interface", !!home, describeNic(before))) {
    return c.results;
  }

  // By interface name: the CLI resolves it to the PCI address.
  const bind = await agentCli(ctx, "bind", home!.name, driver, "--json");
  const bound = nic();
  c.check(
    `bind ${home!.name} ${driver} commits`,
    resultOf(bind)?.status === "committed" && resultOf(bind)?.device === device,
    describeRun(bind),
  );
  c.check(
    `on ${driver}: override set, device node present`,
    bound.driver === driver && bound.override === `${driver}\n` && bound.devNode !== null,
    describeNic(bound),
  );

  // By MAC: the device has no interface now; the journal remembers it.
  const restore = await agentCli(ctx, "restore", home!.mac, "--json");
  const after = nic();
  c.check(
    `restore ${home!.mac} commits`,
    resultOf(restore)?.status === "committed",
    describeRun(restore),
  );
  c.check(
    "back on e1000e: override (null), the interface with its MAC",
    after.driver === "e1000e" &&
      after.override === "(null)\n" &&
      after.net.length === 1 &&
      after.net[0]?.mac === home!.mac,
    { before: describeNic(before), after: describeNic(after) },
  );

  const ops = await c.attempt("eni-agent ops", () => agentOps(ctx));
  c.check(
    "eni-agent ops: bind then restore, both committed",
    ops?.length === 2 &&
      ops[0]?.kind === "bind" &&
      ops[1]?.kind === "restore" &&
      ops.every((o) => o.status === "committed" && o.device === device),
    ops?.map((o) => ({ kind: o.kind, device: o.device, status: o.status, error: o.error })),
  );
  return c.results;
}
