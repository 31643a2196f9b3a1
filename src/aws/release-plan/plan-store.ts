/**
 * The durable store the release plan journals through: a small port so the
 * plan stays testable, and its two adapters. The memory adapter serves tests
 * and dry runs; the file adapter keeps one JSON file per notice under
 * `<stateDir>/release-plans/`, replaced atomically (atomicWriteFile: a crash
 * leaves the old record or the new one, never a mix). File names are a hash
 * of the notice key (keys hold ':' and dates); the key itself is inside the
 * record and checked on load.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { AgentError, atomicWriteFile, stateIoError } from "../../common/index.js";
import type { ReleasePlanRecord } from "./plan-record.js";

export interface ReleasePlanStore {
  /** The record saved for this notice key, or undefined. Throws UNAVAILABLE when unreadable. */
  load(key: string): Promise<ReleasePlanRecord | undefined>;
  /** Replaces the record for `record.key`, durably (atomic: the old or the new record survives a crash). */
  save(record: ReleasePlanRecord): Promise<void>;
  /** Every saved record (start-up looks for unfinished plans). */
  list(): Promise<ReleasePlanRecord[]>;
}

/** In memory, copying on the way in and out so callers cannot share state with it. */
export class MemoryReleasePlanStore implements ReleasePlanStore {
  readonly records = new Map<string, ReleasePlanRecord>();
  /** How many saves it took, for tests. */
  saves = 0;

  async load(key: string): Promise<ReleasePlanRecord | undefined> {
    const record = this.records.get(key);
    return record === undefined ? undefined : structuredClone(record);
  }

  async save(record: ReleasePlanRecord): Promise<void> {
    this.saves += 1;
    this.records.set(record.key, structuredClone(record));
  }

  async list(): Promise<ReleasePlanRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }
}

interface FileReleasePlanStoreOptions {
  /** The agent's state directory; records go to its `release-plans/` subdirectory. */
  readonly stateDir: string;
  /** An unreadable record (bad JSON, wrong version): it is treated as absent and reported here. */
  readonly onCorrupt?: (path: string, reason: string) => void;
}

const SUBDIR = "release-plans";

export class FileReleasePlanStore implements ReleasePlanStore {
  readonly dir: string;
  private readonly onCorrupt: (path: string, reason: string) => void;

  constructor(options: FileReleasePlanStoreOptions) {
    if (!options.stateDir.startsWith("/")) {
      throw new AgentError("INVALID_ARGUMENT", "stateDir must be an absolute path");
    }
    this.dir = join(options.stateDir, SUBDIR);
    this.onCorrupt = options.onCorrupt ?? (() => {});
  }

  async load(key: string): Promise<ReleasePlanRecord | undefined> {
    const path = this.pathOf(key);
    const record = await this.read(path);
    return record?.key === key ? record : undefined;
  }

  async save(record: ReleasePlanRecord): Promise<void> {
    const name = basename(this.pathOf(record.key));
    await atomicWriteFile(this.dir, name, `${JSON.stringify(record)}\n`);
  }

  async list(): Promise<ReleasePlanRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw ioError("readdir", this.dir, err);
    }
    const records: ReleasePlanRecord[] = [];
    for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
      const record = await this.read(join(this.dir, name));
      if (record) records.push(record);
    }
    return records;
  }

  private pathOf(key: string): string {
    const digest = createHash("sha256").update(key).digest("hex").slice(0, 32);
    return join(this.dir, `plan-${digest}.json`);
  }

  private async read(path: string): Promise<ReleasePlanRecord | undefined> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw ioError("read", path, err);
    }
    try {
      const value = JSON.parse(text) as Partial<ReleasePlanRecord> | null;
      if (value?.version !== 1 || typeof value.key !== "string" || !Array.isArray(value.enis)) {
        this.onCorrupt(path, "not a version 1 release plan record");
        return undefined;
      }
      return value as ReleasePlanRecord;
    } catch (err) {
      this.onCorrupt(path, `bad JSON: ${(err as Error).message}`);
      return undefined;
    }
  }
}

function ioError(syscall: string, path: string, err: unknown): AgentError {
  return stateIoError(`release plan ${syscall}`, path, err);
}
