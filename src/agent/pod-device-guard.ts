/**
 * The guard in front of every move that takes a device from a DPDK driver
 * (a restore, a bind to another driver) while kubelet's device plugin runs:
 * a device a container holds is not moved without force.
 *
 * Who holds a device is kubelet's to say, through its pod resources API
 * (see KubeletPools.holders and docs/kubernetes.md for what it reports and
 * its limits). The device is withdrawn from its pool (Unhealthy, refused by
 * Allocate) before kubelet is asked, so no container can get it between the
 * question and the move; the withdrawal ends when the move ends, or at once
 * when the guard refuses. A dry run asks without withdrawing.
 */
import { AgentError, isAgentError, type PciAddress } from "../common/index.js";
import { isUserSpaceDriver } from "../sysfs/index.js";
import type { AgentLog } from "./agent-log.js";
import type { PoolGuard } from "./kubelet-pools.js";

const POD_GUARD = "allocated-to-pod";

interface GuardedMove {
  device: PciAddress;
  /** The device's driver now. */
  driver: string | null;
  /** The driver it moves to; null for its kernel driver. */
  target: string | null;
  force: boolean;
  dryRun: boolean;
}

const none = (): void => {};

/** Resolves with the function that ends the withdrawal; rejects when the guard refuses. */
export async function guardPodDevice(
  guard: PoolGuard | null,
  move: GuardedMove,
  log: AgentLog,
): Promise<() => void> {
  const { device, driver } = move;
  if (guard === null || driver === null || !isUserSpaceDriver(driver) || driver === move.target) {
    return none;
  }
  const release = move.dryRun ? none : guard.withdraw(device);
  if (move.force) {
    log.warn({ device }, "moving a device off its DPDK driver with force: pods are not asked");
    return release;
  }
  let holders: Awaited<ReturnType<PoolGuard["holders"]>>;
  try {
    holders = await guard.holders(device);
  } catch (err) {
    release();
    const reason = isAgentError(err) ? err.message : String(err);
    throw new AgentError(
      "UNAVAILABLE",
      `cannot tell whether a container holds ${device}: ${reason}`,
      {
        device,
        guard: POD_GUARD,
        remedy: "retry once kubelet answers, or move it with force",
        cause: err,
      },
    );
  }
  if (holders.length === 0) return release;
  release();
  const who = holders
    .slice(0, 3)
    .map((h) => (h.namespace === "" ? h.pod : `${h.namespace}/${h.pod} (container ${h.container})`))
    .join(", ");
  throw new AgentError(
    "FAILED_PRECONDITION",
    `device ${device} is allocated to ${who}${holders.length > 3 ? ` and ${holders.length - 3} more` : ""}`,
    {
      device,
      guard: POD_GUARD,
      remedy: "stop or delete the pod first (or let it end), or move the device with force",
    },
  );
}
