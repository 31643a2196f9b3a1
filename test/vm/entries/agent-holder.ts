/**
 * Restoring a NIC whose user-space device node another process holds open,
 * on a real kernel. A child process opens /dev/vfio/<group> or /dev/uio<N>
 * and sleeps; `eni-agent restore` then completes without waiting: neither
 * node makes the kernel's unbind wait (kernel facts V1, V2), and with only
 * the group open the vfio device reads enable 0, so the holder check passes
 * without reading /proc (docs/driver.md, the holder check). A refusal needs
 * an open vfio DEVICE fd (enable > 0), which takes an ioctl this entry's
 * child does not make; the simulator tests cover it. Either way the restore
 * answers within a bound: it never hangs. Once the holder is gone, a second
 * restore is a no-op and the NIC is home with its MAC.
 */
import { openSync, readFileSync } from "node:fs";
import { spawnGuestChild } from "../guest/guest-child.js";
import type { GuestContext, GuestResult } from "../guest-entry.js";
import { Checks, within } from "../kit/checks.js";
import { agentCli, describeRun, resultOf } from "../kit/cli.js";
import { describeNic, emulatedNics, readNic } from "../kit/nic-state.js";

export const configs = ["viommu", "uio"] as const;

/** How long a restore may take before it counts as hung (TCG: a restore takes well under 2 s). */
const BOUND_MS = 30_000;

export const children = {
  /** args: the node to open. Prints "HOLDING <path>" and sleeps until killed. */
  holder: async ([node]: readonly string[]) => {
    openSync(node!, "r+");
    process.stdout.write(`HOLDING ${node}\n`);
    await new Promise(() => setInterval(() => undefined, 1 << 30));
  },
};

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  const c = new Checks();
  const device = emulatedNics(ctx.sysRoot)[1]!;
  const driver = ctx.config.dpdkDriver;
  const nic = () => readNic(ctx.sysRoot, ctx.devRoot, device);
  const home = nic().net[0];

  const bind = await agentCli(ctx, "bind", device, driver, "--json");
  const bound = nic();
  if (
    !c.check(
      `bound to ${driver} with a device node`,
      resultOf(bind)?.status === "committed" && bound.devNode !== null,
      `${describeRun(bind)}\n${describeNic(bound)}`,
    )
  ) {
    return c.results;
  }

  const holder = spawnGuestChild("agent-holder", "holder", [bound.devNode!]);
  try {
    const held = await c.attempt("the holder opens the node", () =>
      within(
        30_000,
        "holder",
        holder.waitFor((l) => l.startsWith("HOLDING"), 30_000),
      ),
    );
    if (held === undefined) return c.results;
    const enableBefore = readEnable(ctx.sysRoot, device);

    const restore = await c.attempt(`restore answers within ${BOUND_MS} ms`, () =>
      within(BOUND_MS, "eni-agent restore", agentCli(ctx, "restore", device, "--json")),
    );
    if (restore !== undefined) {
      const after = nic();
      const completed = resultOf(restore)?.status === "committed" && after.driver === "e1000e";
      c.check(
        `restore with only ${bound.devNode} held completes`,
        completed,
        `holder pid ${holder.pid}, enable before ${enableBefore ?? "?"}\n${describeRun(restore)}\n${describeNic(after)}`,
      );
      if (driver === "vfio-pci") {
        c.check(
          "vfio: with only the group open the kernel showed the device closed (enable 0)",
          enableBefore === "0",
          enableBefore,
        );
      }
    }
  } finally {
    const exit = await holder.kill("SIGKILL");
    c.check("the holder is gone", exit !== null, exit);
  }

  const again = await agentCli(ctx, "restore", device, "--json");
  const after = nic();
  c.check(
    "with the holder gone, the NIC is back on e1000e with its MAC, override (null)",
    again.code === 0 &&
      after.driver === "e1000e" &&
      after.override === "(null)\n" &&
      after.net[0]?.mac === home?.mac,
    `${describeRun(again)}\n${describeNic(after)}`,
  );
  return c.results;
}

function readEnable(sysRoot: string, device: string): string | null {
  try {
    return readFileSync(`${sysRoot}/bus/pci/devices/${device}/enable`, "utf8").trim();
  } catch {
    return null;
  }
}
