/**
 * The `devicePlugin` section of the configuration: kubelet's device plugin
 * (src/kubelet), off by default, and the pools it offers. Part of the one
 * schema (config-schema.ts); documented in the generated table of
 * docs/daemon.md and in docs/kubernetes.md.
 *
 * A pool's `driver` must be a DPDK driver of `allowedDrivers`, a key of the
 * file's top level: that rule is `poolDriverFinding`, checked on the whole
 * file.
 */
import * as v from "valibot";
import { resourceNameProblem, socketFileName } from "../kubelet/resource-name.js";
import { isUserSpaceDriver } from "../sysfs/classify.js";
import {
  absolutePath,
  boolean,
  checked,
  type DeepReadonly,
  key,
  listOf,
  type RuleFinding,
  recordOf,
  rule,
  section,
  text,
} from "./config-kit.js";

const DEFAULT_POOL = "eni-agent.io/ena-dpdk";
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const TAGS_REASON = "tag keys are 1 to 128 characters, values strings of at most 256";

// The pools' keys are described together in the `pools` row of the
// reference: the table does not go into arrays.
const pool = section({
  resourceName: key(v.pipe(text(), checked(resourceNameProblem)), {
    doc: "The extended resource name.",
    missing: `is required, e.g. "${DEFAULT_POOL}"`,
  }),
  driver: key(v.nullish(text(), null), { doc: "Only devices bound to this driver." }),
  subnetIds: key(
    v.optional(
      listOf(
        v.pipe(
          text(),
          checked((s) => (SUBNET.test(s) ? null : 'must be a subnet id, e.g. "subnet-0ac62554"')),
        ),
        "must be an array of strings",
      ),
      [],
    ),
    { doc: "Only ENIs in these subnets." },
  ),
  eniTags: key(
    v.optional(
      recordOf(
        v.pipe(v.string(), v.minLength(1, TAGS_REASON), v.maxLength(128, TAGS_REASON)),
        v.pipe(v.string(TAGS_REASON), v.maxLength(256, TAGS_REASON)),
      ),
      {},
    ),
    { doc: "Only ENIs carrying every one of these tags." },
  ),
});

/** Two pools on one socket file: kubelet could reach only one of them. */
function sharedSocket(pools: readonly { resourceName: string }[]): RuleFinding | null {
  const seen = new Map<string, number>();
  for (const [i, p] of pools.entries()) {
    const socket = socketFileName(p.resourceName as Parameters<typeof socketFileName>[0]);
    const j = seen.get(socket);
    if (j !== undefined) {
      const other = pools[j]!.resourceName;
      return [
        [i, "resourceName"],
        other === p.resourceName
          ? `the same resource as pools[${j}]`
          : `would share the socket ${socket} with pools[${j}] (${JSON.stringify(other)})`,
      ];
    }
    seen.set(socket, i);
  }
  return null;
}

const poolList = v.optional(listOf(pool), [{ resourceName: DEFAULT_POOL }]);

export const devicePlugin = section({
  enabled: key(v.optional(boolean(), false), {
    doc: "kubelet's device plugin: the pools below offered to kubelet as extended resources ([kubernetes.md](kubernetes.md#the-device-plugin)). Needs a restart to change, as every `devicePlugin` key.",
  }),
  directory: key(v.nullish(absolutePath(), "/var/lib/kubelet/device-plugins"), {
    doc: "kubelet's device plugin directory: its `kubelet.sock`, and one socket of the agent per pool (`eni-agent-<resource>.sock`). Created `0750` when missing.",
    values: "absolute path",
  }),
  podResourcesSocket: key(
    v.nullish(absolutePath(), "/var/lib/kubelet/pod-resources/kubelet.sock"),
    {
      doc: "kubelet's pod resources socket, asked before a pooled device leaves its DPDK driver (a device a container holds moves only with force).",
      values: "absolute path",
    },
  ),
  pools: key(
    v.pipe(
      poolList,
      v.minLength(1, "needs at least one pool"),
      rule((pools: v.InferOutput<typeof poolList>) => sharedSocket(pools)),
    ),
    {
      doc: "The pools, in order; a device joins the first it matches. Each: `resourceName` (an extended resource name kubelet accepts, required), `driver` (a DPDK driver of `allowedDrivers`; default any), `subnetIds` (the ENI's subnet, from IMDS; default any), `eniTags` (tags the ENI must carry, read from EC2; default none).",
      shown: `\`[{ "resourceName": "${DEFAULT_POOL}" }]\``,
    },
  ),
});

/** One pool as the schema makes it. */
export type PoolConfig = DeepReadonly<v.InferOutput<typeof pool>>;

/**
 * A pool whose `driver` is not a DPDK driver of `allowedDrivers`, as the
 * key path from the file's top level and the reason; null when none.
 */
export function poolDriverFinding(config: {
  readonly allowedDrivers: readonly string[];
  readonly devicePlugin: { readonly pools: readonly { readonly driver: string | null }[] };
}): RuleFinding | null {
  const dpdk = config.allowedDrivers.filter(isUserSpaceDriver);
  for (const [i, p] of config.devicePlugin.pools.entries()) {
    if (p.driver !== null && !dpdk.includes(p.driver)) {
      return [
        ["devicePlugin", "pools", i, "driver"],
        `must be a DPDK driver of allowedDrivers: ${dpdk.join(", ")}`,
      ];
    }
  }
  return null;
}
