/**
 * One fault case: a scenario (a bind or a restore from a given state), a
 * fault on one of its writes, optionally a second fault on the write after
 * it (so rollbacks fail too), run on the mini kernel; returns the invariant
 * violation or null. Shared by the errno matrix and the property test.
 */
import { isAgentError, type PciAddress } from "../../src/common/index.js";
import type { DriverEngineOptions } from "../../src/driver/engine.js";
import { type Harness, harness } from "./engine-harness.js";
import { violation } from "./invariant.js";
import { ec2State, type MiniFault, type MiniState } from "./mini-kernel.js";

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
  | "silent";

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

function toFault(path: string, kind: FaultKind): MiniFault {
  if (kind === "block") return { path, nth: 1, block: true };
  if (kind === "silent") return { path, nth: 1, silent: true };
  return { path, nth: 1, errno: kind };
}

/**
 * Runs `scenario` with faults on its writes number `faults[i].write`.
 * The fault is armed on the write's path at the moment that write is made,
 * so a schedule can target rollback writes as well as forward ones.
 */
export async function runCase(
  style: MiniState["errnoStyle"],
  scenario: Scenario,
  faults: readonly FaultAt[],
  options: DriverEngineOptions = {},
): Promise<CaseResult> {
  const h = await harness(ec2State(1, { errnoStyle: style }), options);
  if (scenario.from !== null) await h.engine.bind(DEVICE, scenario.from);
  const before = structuredClone(h.kernel.dev(DEVICE)!);
  const start = h.kernel.writes.length;
  // Arm faults by write index: wrap the kernel's write to inject just in time.
  const write = h.kernel.write.bind(h.kernel);
  let index = 0;
  h.kernel.write = (path, data) => {
    const at = faults.find((f) => f.write === index);
    index += 1;
    if (at) h.kernel.inject(toFault(path, at.kind));
    return write(path, data);
  };
  const target =
    scenario.op.kind === "bind"
      ? { driver: scenario.op.driver, override: scenario.op.driver }
      : { driver: "ena", override: null };
  let ok = true;
  let code: string | null = null;
  try {
    if (scenario.op.kind === "bind") await h.engine.bind(DEVICE, scenario.op.driver);
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
  const writes = h.kernel.writes.length - start;
  if (v !== null || health !== "degraded") return { violation: v, writes, health, code };
  // DEGRADED: the reconciler's repeated repairs must bring back the snapshot
  // once the (finite) faults are spent.
  for (let attempt = 0; attempt < 6 && h.engine.health(DEVICE) === "degraded"; attempt += 1) {
    await h.engine.repair(DEVICE).catch(() => undefined);
    await settle(h);
  }
  const now = h.kernel.dev(DEVICE)!;
  const repaired =
    h.engine.health(DEVICE) === "ok" &&
    now.driver === before.driver &&
    now.override === before.override;
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
  while (h.kernel.blockedWrites > 0 || h.engine.health(DEVICE) === "stuck") {
    h.kernel.release();
    await new Promise((r) => setImmediate(r));
    if (h.kernel.blockedWrites === 0) await Promise.race([h.engine.idle(), tick()]);
  }
  await h.engine.idle();
}

function tick(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1));
}
