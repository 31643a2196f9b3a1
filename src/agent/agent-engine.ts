/**
 * The driver engine, wired to the host's ports and to what IMDS knows: the
 * primary ENI (never taken without force) and the MAC of an ENI a binding
 * names by id. Options that need a restart are read once, from `config`.
 * engineOptions and configuredPrimary are also how the offline commands
 * configure their engine, so both read the file the same way.
 */
import type { InterfaceName, Mac } from "../common/index.js";
import {
  DriverEngine,
  type DriverEngineOptions,
  type Journal,
  realClock,
} from "../driver/index.js";
import type { AgentConfig } from "./config-schema.js";
import type { HostAdapters } from "./host-adapters.js";
import type { ImdsIdentity } from "./imds-identity.js";

export function buildEngine(
  config: AgentConfig,
  current: () => AgentConfig,
  adapters: HostAdapters,
  journal: Journal,
  identity: Pick<ImdsIdentity, "instance" | "eniMac">,
): DriverEngine {
  return new DriverEngine(
    {
      sysfs: adapters.sysfs,
      journal,
      holders: adapters.holders,
      routes: adapters.routes,
      addresses: adapters.addresses,
      primary: {
        // IMDS names the primary once it answered; until then, the configuration.
        primary: async () => {
          const instance = identity.instance();
          if (instance !== null) return { mac: instance.primaryMac, interface: null };
          return configuredPrimary(current());
        },
      },
      kernelRelease: adapters.kernelRelease,
      desired: adapters.desired,
      eniMac: (eniId) => identity.eniMac(eniId),
      clock: realClock,
    },
    engineOptions(config),
  );
}

/** The engine's options, every one from the configuration (the one place that maps them). */
export function engineOptions(config: AgentConfig): DriverEngineOptions {
  return {
    allowedIds: config.allowedDevices,
    allowedDrivers: config.allowedDrivers,
    kernelDrivers: config.kernelDrivers,
    desiredBindings: config.bindings,
    repairDrift: config.repairDrift,
    maxParallel: config.transactions.maxParallel,
    writeTimeoutMs: config.transactions.writeTimeoutMs,
    maxBlockingWrites: config.transactions.maxBlockingWrites,
    verifyTimeoutMs: config.transactions.verifyTimeoutMs,
    holderScanTimeoutMs: config.transactions.holderScanTimeoutMs,
  };
}

/** The primary interface the configuration names (`guards`), or null when it names none. */
export function configuredPrimary(
  config: AgentConfig,
): { mac: Mac | null; interface: InterfaceName | null } | null {
  const { primaryMac, primaryInterface } = config.guards;
  return primaryMac === null && primaryInterface === null
    ? null
    : { mac: primaryMac, interface: primaryInterface };
}
