/**
 * The composition root of the eni-agent daemon: configuration, the ports it
 * runs on (real host or simulator), and the Agent that wires and runs every
 * part. `eni-agent serve` is its only user besides the tests.
 */
export { Agent, type AgentDeps, buildAgent } from "./agent.js";
export { computeHealth, MonitoredJournal } from "./agent-health.js";
export { type AgentLog, createLog, progressLogger } from "./agent-log.js";
export { AgentMetrics } from "./agent-metrics.js";
export { type ConfigChange, changedKeys, planReload, RESTART_KEYS } from "./config-diff.js";
export { loadConfigFile, readTlsFiles, resolveGroup } from "./config-file.js";
export { configError } from "./config-kit.js";
export {
  type AgentConfig,
  DEFAULT_CONFIG_PATH,
  defaultConfig,
  LOG_LEVELS,
  type LogLevel,
  parseConfig,
  RELEASE_POLICIES,
  type ReleasePolicy,
} from "./config-schema.js";
export { ConfigWatcher, type ReloadResult, type ReloadTrigger } from "./config-watcher.js";
export { type DeviceChange, DeviceWatcher } from "./device-watcher.js";
export { EniAgentCore } from "./eni-agent-core.js";
export { type HostAdapters, realAdapters } from "./host-adapters.js";
export { ImdsIdentity, type ImdsStatus, type InstanceInfo } from "./imds-identity.js";
export { type Hook, hook, Lifecycle } from "./lifecycle-hooks.js";
export {
  SIM_KERNEL_FILE,
  type SimulatedHost,
  type SimulatedHostOptions,
  simEniId,
  simulatedHost,
} from "./simulated-host.js";
