/**
 * The daemon's two watchers, built from the configuration: the termination
 * watcher (IMDS notices; rebuilt when its keys change) and the device
 * watcher (PCI devices of the managed ids coming, going, changing driver).
 */
import { type MetadataReader, type TerminationNotice, TerminationWatcher } from "../aws/index.js";
import type { AgentError } from "../common/index.js";
import { managedIds, pciId, type Sysfs } from "../sysfs/index.js";
import type { AgentLog } from "./agent-log.js";
import type { AgentMetrics } from "./agent-metrics.js";
import type { AgentConfig } from "./config-schema.js";
import { type DeviceChange, DeviceWatcher } from "./device-watcher.js";

interface WatcherSinks {
  log: AgentLog;
  metrics: Pick<AgentMetrics, "imdsPollErrors">;
  onNotice: (notice: TerminationNotice) => void;
  /** A notice came back with another deadline (a moved time, same meaning). */
  onNoticeChanged: (notice: TerminationNotice, previousDeadlineMs: number | undefined) => void;
  /** Health may have changed (a poll ended). */
  refreshHealth: () => void;
}

export function terminationWatcherFor(
  c: AgentConfig,
  imds: MetadataReader,
  sinks: WatcherSinks,
): TerminationWatcher {
  const { log, metrics } = sinks;
  return new TerminationWatcher(
    {
      imds,
      onNotice: sinks.onNotice,
      onNoticeChanged: sinks.onNoticeChanged,
      onError: (source, err: AgentError) => {
        metrics.imdsPollErrors.inc({ source, code: err.code });
        log.debug({ source, err }, "IMDS poll failed");
      },
      // Health follows the polls as they end, rather than a timer waking every second.
      onPolled: sinks.refreshHealth,
    },
    {
      spotIntervalMs: c.imds.spotIntervalMs,
      asgIntervalMs: c.imds.asgIntervalMs,
      scheduledIntervalMs: c.imds.scheduledIntervalMs,
      rebalanceIntervalMs: c.imds.rebalanceIntervalMs,
      asgLifecycleHookTimeoutMs: c.termination.asgLifecycleHookTimeoutMs,
      policy: {
        spotActions: c.termination.act.spot,
        asgTerminated: c.termination.act.asg,
        scheduledCodes: c.termination.act.scheduled,
        rebalance: c.termination.act.rebalance,
      },
    },
  );
}

export function deviceWatcherFor(
  config: AgentConfig,
  current: () => AgentConfig,
  deps: { sysfs: Sysfs; log: AgentLog; onChanges: (changes: DeviceChange[]) => void },
): DeviceWatcher {
  const ids = () => managedIds(current().allowedDevices);
  return new DeviceWatcher(
    {
      sysfs: deps.sysfs,
      managed: (d) => ids().includes(pciId(d.vendor, d.device)),
      onChanges: deps.onChanges,
      onError: (err) => deps.log.warn({ err }, "device scan failed"),
    },
    {
      pollIntervalMs: () => current().deviceWatch.pollIntervalMs,
      read: { devRoot: config.devRoot },
    },
  );
}
