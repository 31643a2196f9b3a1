/**
 * The `devicePlugin` section of the configuration: kubelet's device plugin
 * (src/kubelet), off by default, and the pools it offers. Read by
 * parseConfig; documented in docs/daemon.md and docs/kubernetes.md.
 */
import { resourceNameProblem, socketFileName } from "../kubelet/resource-name.js";
import { isUserSpaceDriver } from "../sysfs/index.js";
import { ConfigReader, configError } from "./config-reader.js";

/** One pool: an extended resource and which DPDK devices it offers. */
export interface PoolConfig {
  /** The extended resource name, e.g. "eni-agent.io/ena-dpdk". */
  readonly resourceName: string;
  /** Only devices bound to this driver; null: any allowed DPDK driver. */
  readonly driver: string | null;
  /** Only ENIs in these subnets (from IMDS); empty: any. */
  readonly subnetIds: readonly string[];
  /** Only ENIs carrying every one of these tags (from EC2); empty: any. */
  readonly eniTags: Readonly<Record<string, string>>;
}

export interface DevicePluginConfig {
  readonly enabled: boolean;
  /** kubelet's device plugin directory: kubelet.sock, and the pools' sockets. */
  readonly directory: string;
  /** kubelet's pod resources socket, asked before a device leaves its DPDK driver. */
  readonly podResourcesSocket: string;
  /** A device joins the first pool it matches. */
  readonly pools: readonly PoolConfig[];
}

export const DEFAULT_POOL = "eni-agent.io/ena-dpdk";
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;

function absolutePath(value: string): string | null {
  return value.startsWith("/") ? null : "must be an absolute path";
}

function readPool(file: string, allowedDrivers: readonly string[]) {
  return (item: unknown, key: string): PoolConfig => {
    const r = new ConfigReader(file, key, item, ["resourceName", "driver", "subnetIds", "eniTags"]);
    const resourceName = r.optionalString("resourceName", resourceNameProblem);
    if (resourceName === null) throw r.error("resourceName", `is required, e.g. "${DEFAULT_POOL}"`);
    const driver = r.optionalString("driver", (v) =>
      allowedDrivers.includes(v) && isUserSpaceDriver(v)
        ? null
        : `must be a DPDK driver of allowedDrivers: ${allowedDrivers.filter(isUserSpaceDriver).join(", ")}`,
    );
    const subnetIds = r.strings("subnetIds", [], (v) =>
      SUBNET.test(v) ? null : 'must be a subnet id, e.g. "subnet-0ac62554"',
    );
    const tags = r.raw("eniTags") ?? {};
    if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
      throw r.error("eniTags", 'must be an object of tag keys and values, e.g. {"role": "dpdk"}');
    }
    const eniTags: Record<string, string> = {};
    for (const [k, v] of Object.entries(tags)) {
      if (k === "" || k.length > 128 || typeof v !== "string" || v.length > 256) {
        throw configError(
          file,
          `${r.key("eniTags")}.${k}`,
          "tag keys are 1 to 128 characters, values strings of at most 256",
        );
      }
      eniTags[k] = v;
    }
    return { resourceName, driver, subnetIds, eniTags };
  };
}

export function readDevicePlugin(
  root: ConfigReader,
  allowedDrivers: readonly string[],
): DevicePluginConfig {
  const r = root.object("devicePlugin", ["enabled", "directory", "podResourcesSocket", "pools"]);
  const pools = r.has("pools")
    ? r.objects("pools", readPool(r.file, allowedDrivers))
    : [readPool(r.file, allowedDrivers)({ resourceName: DEFAULT_POOL }, r.key("pools[0]"))];
  if (pools.length === 0) throw r.error("pools", "needs at least one pool");
  const sockets = new Map<string, string>();
  for (const pool of pools) {
    const socket = socketFileName(pool.resourceName as Parameters<typeof socketFileName>[0]);
    const other = sockets.get(socket);
    if (other !== undefined) {
      throw r.error(
        "pools",
        `${JSON.stringify(other)} and ${JSON.stringify(pool.resourceName)} ${other === pool.resourceName ? "are the same resource" : `would share the socket ${socket}`}`,
      );
    }
    sockets.set(socket, pool.resourceName);
  }
  return {
    enabled: r.boolean("enabled", false),
    directory: r.string("directory", "/var/lib/kubelet/device-plugins", absolutePath),
    podResourcesSocket: r.string(
      "podResourcesSocket",
      "/var/lib/kubelet/pod-resources/kubelet.sock",
      absolutePath,
    ),
    pools,
  };
}
