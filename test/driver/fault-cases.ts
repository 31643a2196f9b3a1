/**
 * One fault case: a scenario (a bind or a restore from a given state), a
 * fault on one of its writes, optionally a second fault on the write after
 * it (so rollbacks fail too), run on the mini kernel; returns the invariant
 * violation or null. Shared by the errno matrix and the property test.
 */
import { type DriverName, isAgentError, type PciAddress } from "../../src/common/index.js";
import type { DriverEngineOptions } from "../../src/driver/engine-options.js";
import { ec2Host, type SimKernel, type SimKernelConfig } from "../../src/sim/index.js";
import type { Sysfs } from "../../src/sysfs/index.js";
import { type Harness, harness } from "./engine-harness.js";
import { violation } from "./invariant.js";

export const DEVICE = "0000:00:06.0" as PciAddress;

export type FaultKind =
  | "EBUSY"
  | "ENODEV"
  | "EINVAL"
  | "EIO"
  | "ENOENT"
  | "EAGAIN"
  | "ETIMEDOUT"
  | "block"
  | "silent"
  | "probe:EIO"
  | "probe:EPROBE_DEFER";

export const FAULT_KINDS: readonly FaultKind[] = [
  "EBUSY",
  "ENODEV",
  "EINVAL",
  "EIO",
  "ENOENT",
  "EAGAIN",
  "ETIMEDOUT",
  "block",
  "silent",
  "probe:EIO",
  "probe:EPROBE_DEFER",
];

export interface Scenario {
  name: string;
  /** Driver the device is moved to before the measured operation (null: stays on ena). */
  from: string | null;
  op: { kind: "bind"; driver: string } | { kind: "restore" };
}

export const SCENARIOS: readonly Scenario[] = [
  { name: "ena → vfio-pci", from: null, op: { kind: "bind", driver: "vfio-pci" } },
  { name: "ena → uio_pci_generic", from: null, op: { kind: "bind", driver: "uio_pci_generic" } },
  { name: "vfio-pci → ena (restore)", from: "vfio-pci", op: { kind: "restore" } },
  {
    name: "vfio-pci → uio_pci_generic",
    from: "vfio-pci",
    op: { kind: "bind", driver: "uio_pci_generic" },
  },
];

export interface FaultAt {
  /** Index of the write (0-based, in the operation's own write order) that gets the fault. */
  write: number;
  kind: FaultKind;
}

export interface CaseResult {
  violation: string | null;
  /** Writes the operation made (forward and rollback). */
  writes: number;
  health: string;
  code: string | null;
}

/**
 * A port over the simulator that arms a fault on the path of write number
 * `at.write` just as that write is made, so a schedule reaches rollback
 * writes too. "silent" answers success without reaching the kernel (what
 * drivers_probe does when nothing binds); "probe:E" makes the probe behind a
 * bind write fail with E, so the kernel's own errno rules apply.
 */
function arming(kernel: SimKernel, faults: readonly FaultAt[]) {
  let index = 0;
  let armed = false;
  const wrap = (sysfs: Sysfs): Sysfs => ({
    description: sysfs.description,
    read: (p) => sysfs.read(p),
    readlink: (p) => sysfs.readlink(p),
    list: (p) => sysfs.list(p),
    exists: (p) => sysfs.exists(p),
    write: async (path, data) => {
      if (!armed) return sysfs.write(path, data);
      const at = faults.find((f) => f.write === index);
      index += 1;
      const kind = at?.kind;
      if (kind === "silent") return;
      if (kind === "block") kernel.faults.blockWrite(path);
      else if (kind?.startsWith("probe:")) {
        const bind = /^bus\/pci\/drivers\/([^/]+)\/bind$/.exec(path);
        if (bind) kernel.failProbe({ device: String(data), driver: bind[1], errno: kind.slice(6) });
      } else if (kind !== undefined) kernel.faults.failWrite(path, kind);
      return sysfs.write(path, data);
    },
  });
  return { wrap, arm: () => (armed = true) };
}

/**
 * Runs `scenario` with faults on its writes number `faults[i].write`.
 * The fault is armed on the write's path at the moment that write is made,
 * so a schedule can target rollback writes as well as forward ones.
 */
export async function runCase(
  style: SimKernelConfig["errnoStyle"],
  scenario: Scenario,
  faults: readonly FaultAt[],
  options: DriverEngineOptions = {},
): Promise<CaseResult> {
  const kernel = ec2Host({ enis: 2, errnoStyle: style });
  const faulty = arming(kernel, faults);
  const h = await harness(kernel, { engine: options, sysfs: faulty.wrap });
  if (scenario.from !== null) await h.engine.bind(DEVICE, scenario.from as DriverName);
  const before = kernel.device(DEVICE)!;
  const start = kernel.writeLog().length;
  faulty.arm();
  const target =
    scenario.op.kind === "bind"
      ? { driver: scenario.op.driver, override: scenario.op.driver }
      : { driver: "ena", override: null };
  let ok = true;
  let code: string | null = null;
  try {
    if (scenario.op.kind === "bind") await h.engine.bind(DEVICE, scenario.op.driver as DriverName);
    else await h.engine.restore(DEVICE);
  } catch (err) {
    ok = false;
    code = isAgentError(err) ? err.code : "THROWN";
    if (!isAgentError(err) || err.operationId === undefined) {
      return {
        violation: `failure without operationId: ${String(err)}`,
        writes: 0,
        health: "?",
        code,
      };
    }
  }
  if (h.engine.health(DEVICE) === "stuck") {
    // A write outlived its deadline: the operation failed with DEADLINE_EXCEEDED
    // and the device refuses work until the write returns and is resolved.
    if (code !== "DEADLINE_EXCEEDED") {
      return {
        violation: `stuck, but the operation said ${code}`,
        writes: 0,
        health: "stuck",
        code,
      };
    }
    await settle(h);
    ok = h.engine.operations().at(-1)?.status === "committed";
  }
  const v = violation(
    h.kernel,
    h.engine,
    DEVICE,
    { ok, code: code ?? undefined },
    {
      target,
      before,
      kind: scenario.op.kind,
    },
  );
  const health = h.engine.health(DEVICE);
  const writes = kernel.writeLog().length - start;
  if (v !== null || health !== "degraded") return { violation: v, writes, health, code };
  // DEGRADED: the reconciler's repeated repairs must bring back the snapshot
  // once the (finite) faults are spent.
  for (let attempt = 0; attempt < 6 && h.engine.health(DEVICE) === "degraded"; attempt += 1) {
    await h.engine.repair(DEVICE).catch(() => undefined);
    await settle(h);
  }
  const now = kernel.device(DEVICE)!;
  const repaired =
    h.engine.health(DEVICE) === "ok" &&
    now.driver === before.driver &&
    now.driverOverride === before.driverOverride;
  return {
    violation: repaired ? null : "repair did not restore the snapshot",
    writes,
    health,
    code,
  };
}

/** Lets blocked writes return until no operation of the device is stuck any more. */
async function settle(h: Harness): Promise<void> {
  // Release repeatedly: the resolution's own writes may hit a later block fault.
  while (h.engine.health(DEVICE) === "stuck") {
    h.kernel.faults.clear();
    await Promise.race([h.engine.idle(), tick()]);
  }
  await h.engine.idle();
}

function tick(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1));
}
