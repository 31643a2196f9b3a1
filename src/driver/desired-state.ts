/**
 * Desired bindings: what should be re-applied after a reboot or when an ENI
 * is hot-attached. Keyed by ENI id or MAC, never by PCI address alone: a slot
 * can hold another ENI after a detach and attach.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { AgentError, type DriverName, type EniId, type Mac } from "../common/index.js";
import { isEniId, isMac, parseDriverName, parseEniId, parseMac } from "../sysfs/index.js";
import { atomicWriteFile, stateIoError } from "./atomic-file.js";

export type DesiredKey = { mac: Mac } | { eniId: EniId };

export interface DesiredBinding {
  key: DesiredKey;
  driver: DriverName;
  /** "request": bind with persist; "config": declared in the configuration (not stored). */
  source: "request" | "config";
}

export interface DesiredStore {
  load(): Promise<DesiredBinding[]>;
  /** Replaces every stored binding, atomically. */
  save(bindings: readonly DesiredBinding[]): Promise<void>;
}

export function sameKey(a: DesiredKey, b: DesiredKey): boolean {
  if ("mac" in a) return "mac" in b && a.mac === b.mac;
  return "eniId" in b && a.eniId === b.eniId;
}

export function describeKey(key: DesiredKey): string {
  return "mac" in key ? `MAC ${key.mac}` : key.eniId;
}

/**
 * Parses one binding from JSON (state file or configuration):
 * `{ "mac": "0e:…", "driver": "vfio-pci" }` or `{ "eniId": "eni-…", "driver": … }`.
 */
export function parseDesiredBinding(
  value: unknown,
  source: DesiredBinding["source"],
  allowedDrivers?: readonly string[],
): DesiredBinding {
  const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const driver = parseDriverName(String(v.driver ?? ""), allowedDrivers);
  if (typeof v.mac === "string" && isMac(v.mac))
    return { key: { mac: parseMac(v.mac) }, driver, source };
  if (typeof v.eniId === "string" && isEniId(v.eniId)) {
    return { key: { eniId: parseEniId(v.eniId) }, driver, source };
  }
  throw new AgentError(
    "INVALID_ARGUMENT",
    `desired binding needs "mac" or "eniId" and "driver": ${JSON.stringify(value).slice(0, 120)}`,
  );
}

function toJson(binding: DesiredBinding): Record<string, string> {
  return { ...binding.key, driver: binding.driver };
}

export class MemoryDesiredStore implements DesiredStore {
  #bindings: DesiredBinding[] = [];

  async load(): Promise<DesiredBinding[]> {
    return [...this.#bindings];
  }

  async save(bindings: readonly DesiredBinding[]): Promise<void> {
    this.#bindings = [...bindings];
  }
}

/** `<stateDir>/desired.json`: `{ "version": 1, "bindings": [...] }`, replaced atomically. */
export class FileDesiredStore implements DesiredStore {
  readonly #dir: string;

  constructor(options: { stateDir: string }) {
    this.#dir = options.stateDir;
  }

  async load(): Promise<DesiredBinding[]> {
    const path = join(this.#dir, "desired.json");
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw stateIoError("read", path, err);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new AgentError("FAILED_PRECONDITION", `${path} is not JSON`, {
        path,
        remedy: "fix or remove the file; bindings in it are lost",
        cause: err,
      });
    }
    const bindings = (doc as { bindings?: unknown }).bindings;
    return Array.isArray(bindings) ? bindings.map((b) => parseDesiredBinding(b, "request")) : [];
  }

  async save(bindings: readonly DesiredBinding[]): Promise<void> {
    const doc = {
      version: 1,
      bindings: bindings.filter((b) => b.source === "request").map(toJson),
    };
    await atomicWriteFile(this.#dir, "desired.json", `${JSON.stringify(doc, null, 2)}\n`);
  }
}
