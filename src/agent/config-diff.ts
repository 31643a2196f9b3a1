/**
 * Which configuration keys take effect on a reload and which need a
 * restart. The restart-only keys shape things built once: the state
 * directory and roots (the journal and the device view), the listeners
 * (sockets and certificates in use by clients), the engine's allowlists and
 * declared bindings, and the IMDS/EC2 endpoints the clients were built for.
 * Everything else is read live or rebuilds the job that uses it.
 */
import type { AgentConfig } from "./config-schema.js";

/** Key paths (a prefix covers everything under it) that need a restart to change. */
export const RESTART_KEYS: readonly string[] = [
  "stateDir",
  "sysfsRoot",
  "procRoot",
  "devRoot",
  "listeners",
  "allowedDevices",
  "allowedDrivers",
  "bindings",
  "repairDrift",
  "transactions",
  "imds.enabled",
  "imds.endpoint",
  "imds.requestTimeoutMs",
  "ec2.region",
  "ec2.endpoint",
  "autoScaling.endpoint",
  "devicePlugin",
];

/** Every leaf key path whose value differs, e.g. ["logLevel", "imds.spotIntervalMs"]. */
export function changedKeys(a: unknown, b: unknown, prefix = ""): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedKeys(a[k], b[k], prefix === "" ? k : `${prefix}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

export interface ConfigChange {
  /** Keys that changed and take effect now. */
  live: string[];
  /** Keys that changed but keep their old value until a restart. */
  restart: string[];
  /** The configuration to run with: the new live values over the old restart-only ones. */
  effective: AgentConfig;
}

/** Splits a reload into what applies now and what waits for a restart. */
export function planReload(current: AgentConfig, next: AgentConfig): ConfigChange {
  const changed = changedKeys(current, next);
  const needsRestart = (key: string): boolean =>
    RESTART_KEYS.some((r) => key === r || key.startsWith(`${r}.`));
  const restart = changed.filter(needsRestart);
  const live = changed.filter((k) => !needsRestart(k));
  let effective = next;
  for (const key of restart) effective = withValue(effective, key, valueAt(current, key));
  return { live, restart, effective: restart.length === 0 ? next : deepFreezeCopy(effective) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function valueAt(root: unknown, key: string): unknown {
  let v: unknown = root;
  for (const part of key.split(".")) v = isPlainObject(v) ? v[part] : undefined;
  return v;
}

function withValue<T>(root: T, key: string, value: unknown): T {
  const [head, ...rest] = key.split(".");
  const obj = root as Record<string, unknown>;
  const next = rest.length === 0 ? value : withValue(obj[head!], rest.join("."), value);
  return { ...obj, [head!]: next } as T;
}

function deepFreezeCopy<T>(value: T): T {
  const copy = structuredClone(value);
  const freeze = (v: unknown): void => {
    if (typeof v === "object" && v !== null) {
      for (const inner of Object.values(v)) freeze(inner);
      Object.freeze(v);
    }
  };
  freeze(copy);
  return copy;
}
