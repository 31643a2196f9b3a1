/**
 * The controller contract wired to this host: intents stored in the state
 * directory, ENIs located through IMDS, devices found by MAC in sysfs (or,
 * once a DPDK driver took the netdev away, through the journal's home
 * snapshot), and moves made by the driver engine's transactions.
 */
import { type EniId, isAgentError, type Mac } from "../common/index.js";
import type { DriverEngine } from "../driver/index.js";
import {
  EniIntents,
  type EniStatus,
  FileIntentStore,
  type IntentStore,
  type PresentDevice,
} from "../intents/index.js";
import {
  type Inventory,
  isUserSpaceDriver,
  type PciDevice,
  parsePciAddress,
  type Sysfs,
  scanInventory,
} from "../sysfs/index.js";
import type { AgentLog } from "./agent-log.js";
import type { ImdsIdentity } from "./imds-identity.js";

export interface AgentIntentsDeps {
  stateDir: string;
  sysfs: Sysfs;
  engine: Pick<DriverEngine, "bind" | "restore" | "resolve" | "parseDriver">;
  identity: Pick<ImdsIdentity, "eniMac" | "status">;
  mayBind: () => boolean;
  log: AgentLog;
  /** ReleaseEni's detach-and-delete mode; absent: that mode is refused. */
  detachAndDelete?: (eniId: EniId) => Promise<void>;
  /** Phase changes, for WatchEvents. */
  publish?: (status: EniStatus) => void;
  /** Default: `<stateDir>/intents.json`. */
  store?: IntentStore;
}

export function agentIntents(deps: AgentIntentsDeps): EniIntents {
  return new EniIntents({
    store: deps.store ?? new FileIntentStore({ stateDir: deps.stateDir }),
    locate: async (eniId) => {
      const mac = await deps.identity.eniMac(eniId);
      if (mac !== null) return { kind: "attached", mac };
      const imds = deps.identity.status();
      if (imds.reachable) return { kind: "absent" };
      return {
        kind: "unknown",
        reason: `instance metadata cannot say where ${eniId} is (${imds.lastError || "not reachable"})`,
      };
    },
    deviceOf: deviceLookup(deps.sysfs, deps.engine),
    ...intentMoves(deps.engine),
    mayBind: deps.mayBind,
    log: deps.log,
    publish: deps.publish,
    detachAndDelete: deps.detachAndDelete,
  });
}

/**
 * An intent's moves as engine calls. The intent's driver is checked against
 * the engine's allowlist here, as the edges check a request's: the stored
 * intents file is only pattern-checked, and the allowlist may have shrunk
 * since. The operations name the intent's owner as who asked ("intent:<owner>"),
 * so that an operation's record says which controller's intent moved the device.
 */
export function intentMoves(engine: Pick<DriverEngine, "bind" | "restore" | "parseDriver">): {
  bind: (address: string, driver: string, requestedBy: string) => Promise<void>;
  restore: (address: string, requestedBy: string) => Promise<void>;
} {
  return {
    bind: async (address, driver, requestedBy) => {
      await engine.bind(parsePciAddress(address), engine.parseDriver(driver), { requestedBy });
    },
    restore: async (address, requestedBy) => {
      await engine.restore(parsePciAddress(address), { requestedBy });
    },
  };
}

/**
 * Finds ENIs' devices by MAC (see deviceByMac), the lookups that run
 * together sharing one inventory scan (see sharedScan).
 */
export function deviceLookup(
  sysfs: Sysfs,
  engine: Pick<DriverEngine, "resolve">,
): (mac: Mac) => Promise<PresentDevice | null> {
  const scan = sharedScan(sysfs);
  return (mac) => deviceByMac(scan, engine, mac);
}

/**
 * An inventory scan shared by the callers that ask before it begins; a
 * caller that asks once a scan has begun waits for the next one. So every
 * answer is read after its question (a lookup just after a bind sees the
 * bind), and the lookups of a sweep, a sync or a burst of status calls over
 * n ENIs cost one scan of the host rather than n. The scan begins on the
 * next turn of the event loop, once the callers of this turn have asked.
 */
export function sharedScan(sysfs: Sysfs): () => Promise<Inventory> {
  let next: Promise<Inventory> | null = null;
  return () => {
    next ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      next = null;
      return scanInventory(sysfs);
    });
    return next;
  };
}

/**
 * The device with `mac`: a live netdev says so directly; a device the agent
 * moved off the kernel has no netdev, and the journal's home snapshot names
 * its slot. A slot whose live netdev has another MAC holds another ENI now.
 */
async function deviceByMac(
  scan: () => Promise<Inventory>,
  engine: Pick<DriverEngine, "resolve">,
  mac: Mac,
): Promise<PresentDevice | null> {
  const inventory = await scan();
  const live = inventory.byMac(mac);
  if (live !== undefined) return present(live);
  let address: string;
  try {
    address = await engine.resolve(mac);
  } catch (err) {
    if (isAgentError(err) && err.code === "NOT_FOUND") return null;
    throw err;
  }
  const device = inventory.byAddress(address);
  if (device === undefined || device.interfaces.some((n) => n.mac !== null && n.mac !== mac)) {
    return null;
  }
  return present(device);
}

function present(device: PciDevice): PresentDevice {
  return {
    address: device.address,
    driver: device.driver,
    onKernelDriver: device.driver !== null && !isUserSpaceDriver(device.driver),
  };
}
