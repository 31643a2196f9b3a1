/**
 * Which devices each kubelet pool offers, and in what health, from the
 * agent's device records. Pure: the records, the pools' configuration and
 * lookups in, the lists kubelet is to see out.
 *
 * - A device is a member while it is bound to a DPDK driver the pool
 *   accepts and its ENI matches the pool's subnets and tags; it joins the
 *   first pool it matches, so no device is offered twice.
 * - A member is Healthy when the agent verified it on its DPDK driver
 *   (state "dpdk": no operation running, not degraded or stuck) and it has
 *   a device node; Unhealthy when an operation runs on it, it is degraded
 *   or stuck, it is being taken back (withdrawn: a restore or rebind the
 *   agent is about to run) or a termination plan runs.
 * - An ENI whose subnet (IMDS) or tags (EC2) are not known yet matches no
 *   pool that asks for them: it is left out until they are, never offered
 *   under a pool it may not belong to.
 */
import type { EniId, Mac, PciAddress } from "../common/index.js";
import { byId, type PoolDevice } from "../kubelet/pool-device.js";
import type { DeviceRecord } from "../server/core-types.js";
import { isUserSpaceDriver } from "../sysfs/index.js";
import type { PoolConfig } from "./config-device-plugin.js";

export interface PoolLookups {
  /** The subnet of the ENI with this MAC (IMDS); null when unknown. */
  subnetOf(mac: Mac | null): string | null;
  /** The ENI's tags (EC2); null when not known (yet). */
  tagsOf(eniId: EniId | null): Readonly<Record<string, string>> | null;
  /** The agent is about to take the device from its DPDK driver. */
  withdrawn(device: PciAddress): boolean;
  /** A termination plan runs or is pending: nothing is offered as Healthy. */
  terminating: boolean;
  /** The directory that stands for /dev in the records' device nodes. */
  devRoot: string;
}

export function poolDevices(
  records: readonly DeviceRecord[],
  pools: readonly PoolConfig[],
  lookups: PoolLookups,
): Map<string, PoolDevice[]> {
  const out = new Map<string, PoolDevice[]>(pools.map((p) => [p.resourceName, []]));
  for (const record of records) {
    const driver = record.driver;
    if (driver === null || !isUserSpaceDriver(driver)) continue;
    const pool = pools.find((p) => matches(p, record, driver, lookups));
    if (pool === undefined) continue;
    const devNode = hostNode(record.devNode, lookups.devRoot);
    const healthy =
      record.state === "dpdk" &&
      devNode !== null &&
      !lookups.terminating &&
      !lookups.withdrawn(record.pciAddress);
    out.get(pool.resourceName)!.push({
      id: record.pciAddress,
      health: healthy ? "Healthy" : "Unhealthy",
      numaNode: record.numaNode,
      driver,
      devNode,
    });
  }
  for (const list of out.values()) list.sort(byId);
  return out;
}

/** True when a pool asks for ENI tags: then the tags are read from EC2. */
export function wantsTags(pools: readonly PoolConfig[]): boolean {
  return pools.some((p) => Object.keys(p.eniTags).length > 0);
}

function matches(
  pool: PoolConfig,
  record: DeviceRecord,
  driver: string,
  lookups: PoolLookups,
): boolean {
  if (pool.driver !== null && pool.driver !== driver) return false;
  if (pool.subnetIds.length > 0) {
    const subnet = lookups.subnetOf(record.identity.mac);
    if (subnet === null || !pool.subnetIds.includes(subnet)) return false;
  }
  const wanted = Object.entries(pool.eniTags);
  if (wanted.length > 0) {
    const tags = lookups.tagsOf(record.identity.eniId);
    if (tags === null || wanted.some(([k, v]) => tags[k] !== v)) return false;
  }
  return true;
}

/** The record's node as kubelet's host sees it: the configured dev root becomes /dev. */
function hostNode(devNode: string | null, devRoot: string): string | null {
  if (devNode === null) return null;
  const root = devRoot.endsWith("/") ? devRoot.slice(0, -1) : devRoot;
  if (!devNode.startsWith(`${root}/`)) return null;
  return `/dev${devNode.slice(root.length)}`;
}
