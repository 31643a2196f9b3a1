/**
 * The driver engine's part of the configuration file (JSON). Unknown keys are
 * ignored (the file is shared with the rest of the agent); known keys are
 * checked strictly, each error naming the key.
 *
 * {
 *   "stateDir": "/var/lib/eni-agent",
 *   "allowedIds": ["8086:10d3"],                 // added to 1d0f:ec20, 1d0f:ec21
 *   "kernelDrivers": { "8086:10d3": "e1000e" },  // for restore without a journal record
 *   "primary": { "mac": "0e:…", "interface": "ens5" },
 *   "desiredBindings": [{ "mac": "0e:…", "driver": "vfio-pci" }, { "eniId": "eni-…", "driver": "vfio-pci" }],
 *   "repairDrift": false,
 *   "writeTimeoutMs": 30000, "verifyTimeoutMs": 10000, "holderScanTimeoutMs": 2000,
 *   "maxParallel": 4
 * }
 */
import { AgentError, type InterfaceName, type Mac } from "../common/index.js";
import {
  parseInterfaceName,
  parseKernelDriverName,
  parseMac,
  parseVendorDevice,
} from "../sysfs/index.js";
import type { DriverEngineOptions } from "./engine.js";

export interface DriverConfig {
  stateDir: string | null;
  primary: { mac: Mac | null; interface: InterfaceName | null } | null;
  engine: DriverEngineOptions;
}

export function parseDriverConfig(value: unknown, source = "configuration"): DriverConfig {
  if (!isObject(value)) throw bad(source, "", "must be a JSON object");
  const engine: DriverEngineOptions = {};
  if (value.allowedIds !== undefined)
    engine.allowedIds = strings(source, "allowedIds", value.allowedIds).map((id) =>
      vendorDevice(source, id),
    );
  if (value.kernelDrivers !== undefined) {
    if (!isObject(value.kernelDrivers)) throw bad(source, "kernelDrivers", "must be an object");
    const map: Record<string, string> = {};
    for (const [id, driver] of Object.entries(value.kernelDrivers)) {
      map[vendorDevice(source, id)] = parseKernelDriverName(String(driver));
    }
    engine.kernelDrivers = map;
  }
  if (value.desiredBindings !== undefined) {
    if (!Array.isArray(value.desiredBindings))
      throw bad(source, "desiredBindings", "must be an array");
    engine.desiredBindings = value.desiredBindings;
  }
  if (value.repairDrift !== undefined) {
    if (typeof value.repairDrift !== "boolean")
      throw bad(source, "repairDrift", "must be true or false");
    engine.repairDrift = value.repairDrift;
  }
  for (const key of [
    "writeTimeoutMs",
    "verifyTimeoutMs",
    "holderScanTimeoutMs",
    "maxParallel",
    "maxBlockingWrites",
  ] as const) {
    const n = value[key];
    if (n === undefined) continue;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1)
      throw bad(source, key, "must be a positive integer");
    engine[key] = n;
  }
  let primary: DriverConfig["primary"] = null;
  if (value.primary !== undefined) {
    if (!isObject(value.primary)) throw bad(source, "primary", "must be an object");
    const { mac, interface: name } = value.primary;
    primary = {
      mac: typeof mac === "string" ? parseMac(mac) : null,
      interface: typeof name === "string" ? parseInterfaceName(name) : null,
    };
  }
  const stateDir = value.stateDir;
  if (stateDir !== undefined && (typeof stateDir !== "string" || !stateDir.startsWith("/"))) {
    throw bad(source, "stateDir", "must be an absolute path");
  }
  return { stateDir: stateDir ?? null, primary, engine };
}

function vendorDevice(source: string, id: string): string {
  try {
    parseVendorDevice(id);
  } catch (err) {
    throw bad(source, id, "is not a vendor:device pair like 8086:10d3", err);
  }
  return id.toLowerCase();
}

function strings(source: string, key: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw bad(source, key, "must be an array of strings");
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function bad(source: string, key: string, what: string, cause?: unknown): AgentError {
  return new AgentError("INVALID_ARGUMENT", `${source}: ${key ? `"${key}" ` : ""}${what}`, {
    cause,
  });
}
