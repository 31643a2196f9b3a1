/**
 * vfio-pci without an IOMMU (Debian's kernel, no CONFIG_VFIO_NOIOMMU), on a
 * real kernel:
 *
 * 1. `eni-agent bind` refuses before writing anything: preflight sees no
 *    IOMMU group and no no-IOMMU mode, and says how to enable either.
 * 2. With preflight misled (a tmpfs over /sys/module/vfio in the guest
 *    claims enable_unsafe_noiommu_mode=Y), the kernel itself answers the
 *    bind with EINVAL, and the engine rolls back: the NIC is on e1000e with
 *    its interface and MAC, driver_override "(null)". The user-facing error
 *    names the missing IOMMU / no-IOMMU mode and the remedy; the error's
 *    errno is EINVAL; the journal says rolled_back.
 */
import { execFileSync } from "node:child_process";
import { type DriverName, isAgentError, type PciAddress } from "../../../src/common/index.js";
import type { GuestContext, GuestResult } from "../guest-entry.js";
import { Checks, within } from "../kit/checks.js";
import { agentCli, agentOps, describeRun } from "../kit/cli.js";
import { guestEngine, requireTestGuest, rootsOf } from "../kit/guest-agent.js";
import { describeNic, emulatedNics, type NicState, readNic } from "../kit/nic-state.js";

export const configs = ["stock"] as const;

const PARAMETERS = "module/vfio/parameters";

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  const c = new Checks();
  const device = emulatedNics(ctx.sysRoot)[1]!;
  const nic = () => readNic(ctx.sysRoot, ctx.devRoot, device);
  const before = nic();
  const home = before.net[0];
  if (!c.check("the NIC starts on e1000e with an interface", !!home, describeNic(before))) {
    return c.results;
  }
  const atHome = (n: NicState) =>
    n.driver === "e1000e" &&
    n.override === "(null)\n" &&
    n.net.length === 1 &&
    n.net[0]?.mac === home!.mac;

  const refused = await agentCli(ctx, "bind", home!.name, "vfio-pci");
  c.check(
    "preflight refuses (exit 4) and names the missing IOMMU and no-IOMMU mode",
    refused.code === 4 &&
      /no IOMMU group/.test(refused.stderr) &&
      /CONFIG_VFIO_NOIOMMU/.test(refused.stderr),
    describeRun(refused),
  );
  c.check(
    "the refusal tells how to enable an IOMMU or no-IOMMU mode",
    /intel_iommu=on/.test(refused.stderr) && /enable_unsafe_noiommu_mode/.test(refused.stderr),
    refused.stderr,
  );
  const untouched = nic();
  const opsBefore = await c.attempt("eni-agent ops", () => agentOps(ctx));
  c.check("nothing was written or journaled", atHome(untouched) && opsBefore?.length === 0, {
    nic: describeNic(untouched),
    ops: opsBefore,
  });

  // Mislead preflight so that the kernel's own answer reaches the engine.
  fakeNoiommuMode(ctx);
  try {
    const cli = await agentCli(ctx, "bind", home!.name, "vfio-pci");
    const afterCli = nic();
    c.check(
      "the kernel answers EINVAL; the CLI says rolled back (exit 4)",
      cli.code === 4 && /EINVAL/.test(cli.stderr) && /rolled back/.test(cli.stderr),
      describeRun(cli),
    );
    c.check(
      "the CLI's message names the missing IOMMU / no-IOMMU mode and the remedy",
      /no IOMMU and noiommu mode off/.test(cli.stderr) &&
        /intel_iommu=on/.test(cli.stderr) &&
        /enable_unsafe_noiommu_mode/.test(cli.stderr),
      cli.stderr,
    );
    c.check(
      "after the CLI's rollback: e1000e, override (null), the interface with its MAC",
      atHome(afterCli),
      { before: describeNic(before), after: describeNic(afterCli) },
    );

    const engine = guestEngine(rootsOf(ctx));
    await engine.recover();
    const err = await within(
      60_000,
      "engine bind",
      engine.bind(device as PciAddress, "vfio-pci" as DriverName),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    const afterEngine = nic();
    c.check(
      "the engine's error carries errno EINVAL and the no-IOMMU remedy",
      isAgentError(err) &&
        err.errno === "EINVAL" &&
        err.code === "FAILED_PRECONDITION" &&
        err.operationId !== undefined &&
        /rolled back/.test(err.message) &&
        /intel_iommu=on/.test(err.remedy ?? "") &&
        /enable_unsafe_noiommu_mode/.test(err.remedy ?? ""),
      isAgentError(err) ? { ...err.details(), code: err.code, message: err.message } : String(err),
    );
    c.check("after the engine's rollback: the NIC is at home again", atHome(afterEngine), {
      after: describeNic(afterEngine),
    });
  } finally {
    restoreVfioDir(ctx);
  }

  const ops = await c.attempt("eni-agent ops after", () => agentOps(ctx));
  c.check(
    "the journal says rolled_back with errno EINVAL, twice",
    ops?.length === 2 &&
      ops.every((o) => o.status === "rolled_back" && o.error?.errno === "EINVAL"),
    ops?.map((o) => ({ kind: o.kind, status: o.status, error: o.error })),
  );
  return c.results;
}

/**
 * A tmpfs over /sys/module/vfio (only in the test guest) with
 * parameters/enable_unsafe_noiommu_mode = Y, which this kernel lacks.
 */
function fakeNoiommuMode(ctx: GuestContext): void {
  requireTestGuest(ctx.procRoot);
  const dir = `${ctx.sysRoot}/module/vfio`;
  execFileSync("/bin/sh", [
    "-ec",
    `mount -t tmpfs eni-fake-vfio "${dir}"; mkdir -p "${ctx.sysRoot}/${PARAMETERS}"; echo Y > "${ctx.sysRoot}/${PARAMETERS}/enable_unsafe_noiommu_mode"`,
  ]);
}

function restoreVfioDir(ctx: GuestContext): void {
  execFileSync("/bin/sh", ["-ec", `umount "${ctx.sysRoot}/module/vfio"`]);
}
