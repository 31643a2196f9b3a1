/**
 * Checks of the facts beyond the per-write rows: the round trips
 * (kernel driver → vfio-pci / uio_pci_generic → back, and virtio-net),
 * lowest-free interface naming, remove + rescan, write-only attributes and
 * the layout of links. Each returns one ConformanceResult.
 */
import type { ConformanceResult } from "./conformance-types.js";
import { errnoOf, readState, renderState, tryWrite } from "./device-state.js";
import { guarded } from "./guarded.js";
import { baseline, type RunContext, skipped } from "./run-context.js";

type Check = (ctx: RunContext) => Promise<ConformanceResult>;

export async function runChecks(ctx: RunContext): Promise<ConformanceResult[]> {
  const checks: [string, Check][] = [
    ["READ.write-only", writeOnlyReads],
    ["LAYOUT", layout],
    ["PARAM.noiommu", noiommuParameter],
    ["RT.vfio-pci", (c) => roundTrip(c, "vfio-pci")],
    ["RT.uio_pci_generic", (c) => roundTrip(c, "uio_pci_generic")],
    ["RT.virtio", virtioRoundTrip],
    ["NAMING", naming],
    ["RESCAN", removeRescan],
  ];
  const results: ConformanceResult[] = [];
  for (const [id, check] of checks) {
    results.push(await guarded(id, () => check(ctx)));
    await baseline(ctx);
  }
  return results;
}

function result(
  id: string,
  expected: string,
  actual: string,
  problems: string[],
): ConformanceResult {
  return {
    id,
    ok: problems.length === 0,
    skipped: false,
    expected,
    actual,
    detail: problems.join("; "),
  };
}

/** Reading bind, unbind, new_id or drivers_probe is EACCES, even as root. */
async function writeOnlyReads(ctx: RunContext): Promise<ConformanceResult> {
  const { sysfs, nicDriver } = ctx.target;
  const files = [
    `bus/pci/drivers/${nicDriver}/bind`,
    `bus/pci/drivers/${nicDriver}/unbind`,
    "bus/pci/drivers/vfio-pci/new_id",
    "bus/pci/drivers_probe",
  ];
  const seen: string[] = [];
  for (const file of files) {
    try {
      await sysfs.read(file);
      seen.push("OK");
    } catch (err) {
      seen.push(errnoOf(err));
    }
  }
  const expected = files.map(() => "EACCES");
  const problems = seen.some((s) => s !== "EACCES") ? ["a write-only attribute was readable"] : [];
  return result("READ.write-only", expected.join(","), seen.join(","), problems);
}

/** Links are relative and shaped like the kernel's. */
async function layout(ctx: RunContext): Promise<ConformanceResult> {
  const { sysfs, nics, nicDriver } = ctx.target;
  const a = nics[0];
  const depth = ctx.paths.A.split("/").length;
  const up = (n: number) => "../".repeat(n);
  const want: [string, string][] = [
    [`bus/pci/devices/${a}`, `${up(3)}${ctx.paths.A}`],
    [`bus/pci/devices/${a}/driver`, `${up(depth)}bus/pci/drivers/${nicDriver}`],
    [`bus/pci/devices/${a}/subsystem`, `${up(depth)}bus/pci`],
    [`bus/pci/drivers/${nicDriver}/${a}`, `${up(4)}${ctx.paths.A}`],
    [`class/net/${ctx.names[0]}`, `${up(2)}${ctx.paths.A}/net/${ctx.names[0]}`],
    [`class/net/${ctx.names[0]}/device`, `${up(3)}${a}`],
    ["bus/pci/drivers/vfio-pci/module", `${up(4)}module/vfio_pci`],
    ["bus/pci/drivers/uio_pci_generic/module", `${up(4)}module/uio_pci_generic`],
  ];
  const problems: string[] = [];
  for (const [path, target] of want) {
    let have: string;
    try {
      have = await sysfs.readlink(path);
    } catch (err) {
      have = errnoOf(err);
    }
    if (have !== target) problems.push(`${path} -> ${have}, expected ${target}`);
  }
  const values = await sysfs.read(`bus/pci/devices/${a}/class`);
  if (!/^0x[0-9a-f]{6}\n$/.test(values)) problems.push(`class reads ${JSON.stringify(values)}`);
  return result(
    "LAYOUT",
    "kernel-shaped links",
    problems.length ? "differs" : "as expected",
    problems,
  );
}

/** vfio's no-IOMMU parameter exists only when vfio was built with it. */
async function noiommuParameter(ctx: RunContext): Promise<ConformanceResult> {
  const path = "module/vfio/parameters/enable_unsafe_noiommu_mode";
  const want = ctx.target.mode === "noiommu" ? "Y\n" : "absent";
  let have: string;
  try {
    have = await ctx.target.sysfs.read(path);
  } catch (err) {
    have = errnoOf(err) === "ENOENT" ? "absent" : errnoOf(err);
  }
  return result(
    "PARAM.noiommu",
    JSON.stringify(want),
    JSON.stringify(have),
    have === want ? [] : ["differs"],
  );
}

interface Step {
  name: string;
  path: string;
  value: string;
  expect: string;
}

/**
 * driver_override=<target> → unbind → <target>/bind → check → <target>/unbind
 * → override "\n" → drivers_probe; the interface comes back, down, with its
 * MAC, under its old name (the lowest free). Stock vfio: bind EINVAL, the
 * next unbind ENODEV, and drivers_probe still restores the NIC.
 */
async function roundTrip(
  ctx: RunContext,
  driver: "vfio-pci" | "uio_pci_generic",
): Promise<ConformanceResult> {
  const { sysfs, nics, nicDriver, mode, errnoStyle } = ctx.target;
  const a = nics[0];
  const name = ctx.names[0];
  const mac = await sysfs.read(`class/net/${name}/address`);
  const fails = driver === "vfio-pci" && mode === "stock";
  const bindFailure = errnoStyle === "pre-5.14" ? "ENODEV" : "EINVAL";
  const steps: Step[] = [
    { name: "override", path: `bus/pci/devices/${a}/driver_override`, value: driver, expect: "OK" },
    { name: "unbind", path: `bus/pci/drivers/${nicDriver}/unbind`, value: a, expect: "OK" },
    {
      name: "bind",
      path: `bus/pci/drivers/${driver}/bind`,
      value: a,
      expect: fails ? bindFailure : "OK",
    },
  ];
  const problems = await runSteps(ctx, steps);
  const mid = await readState(sysfs, a);
  const midWant = fails ? `drv=- ovr="${driver}"` : `drv=${driver} ovr="${driver}"`;
  if (!renderState(mid).startsWith(midWant)) problems.push(`while moved: ${renderState(mid)}`);
  if (!fails) {
    const enable = await sysfs.read(`bus/pci/devices/${a}/enable`);
    const wantEnable = driver === "vfio-pci" ? "0\n" : "1\n";
    if (enable !== wantEnable) problems.push(`enable ${JSON.stringify(enable)} while on ${driver}`);
    if (driver === "vfio-pci") {
      const power = await pollPowerState(sysfs, a, "D3hot\n");
      if (power !== "D3hot\n") problems.push(`power_state ${JSON.stringify(power)}`);
    }
  }
  problems.push(
    ...(await runSteps(ctx, [
      {
        name: "unbind",
        path: `bus/pci/drivers/${driver}/unbind`,
        value: a,
        expect: fails ? "ENODEV" : "OK",
      },
      { name: "clear", path: `bus/pci/devices/${a}/driver_override`, value: "\n", expect: "OK" },
      { name: "probe", path: "bus/pci/drivers_probe", value: a, expect: "OK" },
    ])),
  );
  problems.push(...(await backHome(ctx, a, name, mac)));
  return result(
    `RT.${driver}`,
    `${nicDriver}→${driver}→${nicDriver}, ${name} back`,
    problems.length ? "differs" : "as expected",
    problems,
  );
}

/**
 * vfio-pci suspends an idle device through runtime PM, which runs after the
 * bind returns: a real kernel reached D3hot 13–24 ms later (TCG). Poll for
 * up to about a second; returns the last value read.
 */
async function pollPowerState(
  sysfs: RunContext["target"]["sysfs"],
  address: string,
  want: string,
): Promise<string> {
  let power = "";
  for (let i = 0; i < 50; i += 1) {
    power = await sysfs.read(`bus/pci/devices/${address}/power_state`);
    if (power === want) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return power;
}

async function runSteps(ctx: RunContext, steps: Step[]): Promise<string[]> {
  const problems: string[] = [];
  for (const step of steps) {
    const got = await tryWrite(ctx.target.sysfs, step.path, step.value);
    if (got !== step.expect) problems.push(`${step.name}: ${got}, expected ${step.expect}`);
  }
  return problems;
}

/** After a round trip: bound to the NIC driver, no override, same name and MAC, down. */
async function backHome(
  ctx: RunContext,
  address: string,
  name: string,
  mac: string,
): Promise<string[]> {
  const { sysfs, nicDriver } = ctx.target;
  const problems: string[] = [];
  const state = await readState(sysfs, address);
  const want = `drv=${nicDriver} ovr=(null) net=${name}`;
  if (renderState(state) !== want) problems.push(`after: ${renderState(state)}, expected ${want}`);
  else {
    const macAfter = await sysfs.read(`class/net/${name}/address`);
    if (macAfter !== mac) problems.push(`MAC ${macAfter.trim()} after, ${mac.trim()} before`);
    const oper = await sysfs.read(`class/net/${name}/operstate`);
    if (oper !== "down\n") problems.push(`operstate ${oper.trim()}, expected down`);
  }
  return problems;
}

/** virtio-net: the netdev hangs off the virtio child, which is re-created under the same name. */
async function virtioRoundTrip(ctx: RunContext): Promise<ConformanceResult> {
  const { sysfs, virtio, mode, errnoStyle } = ctx.target;
  if (!virtio)
    return skipped("RT.virtio", "virtio-pci round trip", "the target names no virtio-net device");
  const before = await readState(sysfs, virtio);
  const children = (await sysfs.list(`bus/pci/devices/${virtio}`)).filter((e) =>
    /^virtio[0-9]+$/.test(e),
  );
  const fails = mode === "stock";
  const problems = await runSteps(ctx, [
    {
      name: "override",
      path: `bus/pci/devices/${virtio}/driver_override`,
      value: "vfio-pci",
      expect: "OK",
    },
    { name: "unbind", path: "bus/pci/drivers/virtio-pci/unbind", value: virtio, expect: "OK" },
    {
      name: "bind",
      path: "bus/pci/drivers/vfio-pci/bind",
      value: virtio,
      expect: fails ? (errnoStyle === "pre-5.14" ? "ENODEV" : "EINVAL") : "OK",
    },
    {
      name: "unbind",
      path: "bus/pci/drivers/vfio-pci/unbind",
      value: virtio,
      expect: fails ? "ENODEV" : "OK",
    },
    { name: "clear", path: `bus/pci/devices/${virtio}/driver_override`, value: "\n", expect: "OK" },
    { name: "probe", path: "bus/pci/drivers_probe", value: virtio, expect: "OK" },
  ]);
  const after = await readState(sysfs, virtio);
  const childrenAfter = (await sysfs.list(`bus/pci/devices/${virtio}`)).filter((e) =>
    /^virtio[0-9]+$/.test(e),
  );
  if (renderState(after) !== renderState(before))
    problems.push(`after: ${renderState(after)}, before: ${renderState(before)}`);
  if (childrenAfter.join() !== children.join())
    problems.push(`children ${childrenAfter} (before ${children})`);
  if (await sysfs.exists(`bus/pci/devices/${virtio}/net`))
    problems.push("a net/ directory directly under the PCI device");
  return result("RT.virtio", renderState(before), renderState(after), problems);
}

/** Unbind A and B, probe B first: B takes A's old name (the lowest free), then A takes B's. */
async function naming(ctx: RunContext): Promise<ConformanceResult> {
  const { sysfs, nics, nicDriver, naming: scheme } = ctx.target;
  if (scheme !== "lowest-free")
    return skipped("NAMING", "lowest free eth<N>", "the target names interfaces stably");
  const [a, b] = nics;
  const [nameA, nameB] = ctx.names;
  const problems = await runSteps(ctx, [
    { name: "unbind A", path: `bus/pci/drivers/${nicDriver}/unbind`, value: a, expect: "OK" },
    { name: "unbind B", path: `bus/pci/drivers/${nicDriver}/unbind`, value: b, expect: "OK" },
    { name: "probe B", path: "bus/pci/drivers_probe", value: b, expect: "OK" },
    { name: "probe A", path: "bus/pci/drivers_probe", value: a, expect: "OK" },
  ]);
  const got = [(await readState(sysfs, a)).net, (await readState(sysfs, b)).net];
  if (got[0] !== nameB || got[1] !== nameA) problems.push(`A=${got[0]} B=${got[1]}`);
  // Put the names back in order for what follows.
  await runSteps(ctx, [
    { name: "unbind A", path: `bus/pci/drivers/${nicDriver}/unbind`, value: a, expect: "OK" },
    { name: "unbind B", path: `bus/pci/drivers/${nicDriver}/unbind`, value: b, expect: "OK" },
    { name: "probe A", path: "bus/pci/drivers_probe", value: a, expect: "OK" },
    { name: "probe B", path: "bus/pci/drivers_probe", value: b, expect: "OK" },
  ]);
  return result("NAMING", `A=${nameB} B=${nameA}`, `A=${got[0]} B=${got[1]}`, problems);
}

/** remove + rescan: the device comes back probed by its driver, its override reset. */
async function removeRescan(ctx: RunContext): Promise<ConformanceResult> {
  const { sysfs, nics, nicDriver, removeRescan: enabled } = ctx.target;
  if (enabled === false) return skipped("RESCAN", "remove + rescan", "disabled for this target");
  const c = nics[2];
  const want = `drv=${nicDriver} ovr=(null) net=${ctx.names[2]}`;
  const problems = await runSteps(ctx, [
    {
      name: "override",
      path: `bus/pci/devices/${c}/driver_override`,
      value: "vfio-pci",
      expect: "OK",
    },
    { name: "remove", path: `bus/pci/devices/${c}/remove`, value: "1", expect: "OK" },
  ]);
  if (await sysfs.exists(`bus/pci/devices/${c}`)) problems.push("still present after remove");
  problems.push(
    ...(await runSteps(ctx, [
      { name: "rescan", path: "bus/pci/rescan", value: "1", expect: "OK" },
    ])),
  );
  const state = (await sysfs.exists(`bus/pci/devices/${c}`))
    ? renderState(await readState(sysfs, c))
    : "absent";
  if (state !== want) problems.push(`after rescan: ${state}`);
  return result("RESCAN", want, state, problems);
}
