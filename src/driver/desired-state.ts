/**
 * Desired bindings: what should be re-applied after a reboot or when an ENI
 * is hot-attached. Keyed by ENI id or MAC, never by PCI address alone: a slot
 * can hold another ENI after a detach and attach.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AgentError,
  atomicWriteFile,
  type DriverName,
  type EniId,
  type Mac,
  type PciAddress,
  stateIoError,
  toAgentError,
} from "../common/index.js";
import { isEniId, isMac, parseDriverName, parseEniId, parseMac } from "../sysfs/index.js";
import type { OperationResult } from "./types.js";

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

function sameKey(a: DesiredKey, b: DesiredKey): boolean {
  if ("mac" in a) return "mac" in b && a.mac === b.mac;
  return "eniId" in b && a.eniId === b.eniId;
}

function describeKey(key: DesiredKey): string {
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

/**
 * `<stateDir>/desired.json`: `{ "version": 1, "bindings": [...] }`, replaced
 * atomically. The file is read once: the state directory's lock makes this
 * process its only writer, and every lookup of a device's desired driver
 * (each ListDevices) would otherwise read it again.
 */
export class FileDesiredStore implements DesiredStore {
  readonly #dir: string;
  #cache: DesiredBinding[] | null = null;

  constructor(options: { stateDir: string }) {
    this.#dir = options.stateDir;
  }

  async load(): Promise<DesiredBinding[]> {
    this.#cache ??= await this.#read();
    return [...this.#cache];
  }

  async #read(): Promise<DesiredBinding[]> {
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
    this.#cache = bindings.filter((b) => b.source === "request");
  }
}

export interface DesiredStateDeps {
  store?: DesiredStore;
  /** The MAC of an attached ENI, from IMDS; null when it is not attached (yet). */
  eniMac?: (eniId: EniId) => Promise<Mac | null>;
}

export interface DesiredApplied {
  /** "MAC 0e:…" or "eni-…". */
  binding: string;
  result: OperationResult | null;
  error: AgentError | null;
}

/**
 * Desired bindings from both sources: persisted requests (the store) and the
 * configuration. A persisted request wins over a declared binding for the
 * same key: it is the newer intent.
 */
export class DesiredState {
  readonly #store: DesiredStore;
  readonly #eniMac: DesiredStateDeps["eniMac"];
  readonly #declared: DesiredBinding[];
  readonly #allowedDrivers: readonly string[];
  /** The store is read, changed and saved whole: one change at a time, or one loses the other. */
  #changes: Promise<unknown> = Promise.resolve();

  /** Throws INVALID_ARGUMENT for a malformed declared binding. */
  constructor(
    deps: DesiredStateDeps,
    options: { declared: readonly unknown[]; allowedDrivers: readonly string[] },
  ) {
    this.#store = deps.store ?? new MemoryDesiredStore();
    this.#eniMac = deps.eniMac;
    this.#allowedDrivers = options.allowedDrivers;
    this.#declared = options.declared.map((b) =>
      parseDesiredBinding(b, "config", options.allowedDrivers),
    );
  }

  async all(): Promise<DesiredBinding[]> {
    const stored = await this.#store.load();
    const declared = this.#declared.filter((d) => !stored.some((s) => sameKey(s.key, d.key)));
    return [...stored, ...declared];
  }

  /** The binding for a device with this MAC (directly, or through its ENI id). */
  async forMac(mac: Mac): Promise<DesiredBinding | null> {
    for (const binding of await this.all()) {
      if ((await this.#macOf(binding.key)) === mac) return binding;
    }
    return null;
  }

  /**
   * Records `driver` for `mac`, or forgets the MAC's stored binding (null).
   * Changes run one after another; each resolves once it is saved.
   */
  set(mac: Mac, driver: DriverName | null): Promise<void> {
    const change = this.#changes.then(async () => {
      const key: DesiredKey = { mac };
      const kept = (await this.#store.load()).filter((b) => !sameKey(b.key, key));
      if (driver !== null) {
        parseDriverName(driver, this.#allowedDrivers);
        kept.push({ key, driver, source: "request" });
      }
      await this.#store.save(kept);
    });
    this.#changes = change.catch(() => undefined);
    return change;
  }

  /**
   * Records (driver) or forgets (null) the desired binding of the device of
   * `done`, by its MAC: the one its kernel driver shows now, else `homeMac`
   * (the journal's). A persist that did not happen throws: the move stands
   * (the error says so), and a retry is a no-op move that only persists.
   */
  async persist(
    done: OperationResult,
    driver: DriverName | null,
    homeMac: Mac | null,
  ): Promise<void> {
    const mac = done.state.interfaces.find((n) => n.mac !== null)?.mac ?? homeMac;
    try {
      if (mac === null) {
        throw new AgentError(
          "FAILED_PRECONDITION",
          "its MAC is unknown (it was never seen under its kernel driver)",
          { remedy: "restore it to its kernel driver once, then bind with persist" },
        );
      }
      await this.set(mac, driver);
    } catch (err) {
      const cause = toAgentError(err);
      const where = driver === null ? "is back with its kernel driver" : `is bound to ${driver}`;
      const op = done.operationId === null ? "" : ` (operation ${done.operationId})`;
      throw new AgentError(
        cause.code,
        `device ${done.device} ${where}${op}, but the binding was not persisted: ${cause.message}`,
        {
          device: done.device,
          operationId: done.operationId ?? undefined,
          path: cause.path,
          errno: cause.errno,
          remedy:
            cause.remedy ??
            "retry with persist: the device is already there, so only the binding is stored",
          cause,
        },
      );
    }
  }

  /** Resolves each binding to a device and binds it; failures are collected, not thrown. */
  async apply(
    resolve: (mac: Mac) => Promise<PciAddress>,
    bind: (device: PciAddress, driver: DriverName) => Promise<OperationResult>,
  ): Promise<DesiredApplied[]> {
    const out: DesiredApplied[] = [];
    for (const binding of await this.all()) {
      const label = describeKey(binding.key);
      try {
        const mac = await this.#macOf(binding.key);
        if (mac === null) {
          throw new AgentError("NOT_FOUND", `${label} is not attached to this instance (yet)`);
        }
        out.push({
          binding: label,
          result: await bind(await resolve(mac), binding.driver),
          error: null,
        });
      } catch (err) {
        out.push({ binding: label, result: null, error: toAgentError(err) });
      }
    }
    return out;
  }

  async #macOf(key: DesiredKey): Promise<Mac | null> {
    if ("mac" in key) return key.mac;
    return this.#eniMac ? this.#eniMac(key.eniId) : null;
  }
}
