/**
 * The driver engine, wired to the host's ports and to what IMDS knows: the
 * primary ENI (never taken without force) and the MAC of an ENI a binding
 * names by id. Options that need a restart are read once, from `config`.
 */
import { DriverEngine, type Journal, realClock } from "../driver/index.js";
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
          const { primaryMac, primaryInterface } = current().guards;
          return primaryMac === null && primaryInterface === null
            ? null
            : { mac: primaryMac, interface: primaryInterface };
        },
      },
      kernelRelease: adapters.kernelRelease,
      desired: adapters.desired,
      eniMac: (eniId) => identity.eniMac(eniId),
      clock: realClock,
    },
    {
      allowedIds: config.allowedDevices,
      allowedDrivers: config.allowedDrivers,
      desiredBindings: config.bindings,
      maxParallel: config.transactions.maxParallel,
      writeTimeoutMs: config.transactions.writeTimeoutMs,
      verifyTimeoutMs: config.transactions.verifyTimeoutMs,
      holderScanTimeoutMs: config.transactions.holderScanTimeoutMs,
      repairDrift: config.repairDrift,
    },
  );
}
