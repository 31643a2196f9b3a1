/**
 * Journal file adapter: `<stateDir>/journal.log`, append + fdatasync per
 * record (the checksum per line makes a torn tail detectable), compaction by
 * atomic replace (temp file, fsync, rename, fsync of the directory).
 */
import { constants } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type AgentError,
  atomicWriteFile,
  ensureStateDir,
  stateIoError,
  syncDir,
} from "../common/index.js";
import {
  decodeJournal,
  encodeRecord,
  type Journal,
  type JournalLoad,
  type JournalRecord,
} from "./journal.js";

export interface FileJournalOptions {
  /** The state directory, e.g. /var/lib/eni-agent. Created (0700) on first write. */
  stateDir: string;
  /** File name inside the state directory. Default "journal.log". */
  fileName?: string;
}

export class FileJournal implements Journal {
  readonly description: string;
  readonly #dir: string;
  readonly #name: string;
  readonly #path: string;
  /** Appends are serialized so the torn-tail check and the write stay together. */
  #queue: Promise<unknown> = Promise.resolve();
  /** null until checked: does the file end mid-record (a torn write by a killed agent)? */
  #tornTail: boolean | null = null;

  constructor(options: FileJournalOptions) {
    this.#dir = options.stateDir;
    this.#name = options.fileName ?? "journal.log";
    this.#path = join(options.stateDir, this.#name);
    this.description = this.#path;
  }

  async load(): Promise<JournalLoad> {
    let text: string;
    try {
      text = await readFile(this.#path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { records: [], problems: [] };
      throw ioError("read", this.#path, err);
    }
    this.#tornTail = text.length > 0 && !text.endsWith("\n");
    return decodeJournal(text);
  }

  append(record: JournalRecord): Promise<void> {
    const run = this.#queue.then(() => this.#append(record));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #append(record: JournalRecord): Promise<void> {
    const created = await this.#ensureFile();
    if (this.#tornTail === null) this.#tornTail = await this.#endsTorn();
    // After a torn tail, start on a fresh line so the next record stays whole;
    // the torn fragment remains a reported problem until compaction drops it.
    const text = (this.#tornTail ? "\n" : "") + encodeRecord(record);
    try {
      const handle = await open(this.#path, constants.O_WRONLY | constants.O_APPEND);
      try {
        await handle.write(text);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    } catch (err) {
      this.#tornTail = null;
      throw ioError("append", this.#path, err);
    }
    this.#tornTail = false;
    // A new entry is durable only once its directory is synced.
    if (created) await syncDir(this.#dir);
  }

  replace(records: readonly JournalRecord[]): Promise<void> {
    const run = this.#queue.then(() => this.#replace(records));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #replace(records: readonly JournalRecord[]): Promise<void> {
    await atomicWriteFile(this.#dir, this.#name, records.map(encodeRecord).join(""));
    this.#tornTail = false;
  }

  /** Creates the file when missing; true when it did (the directory then needs an fsync). */
  async #ensureFile(): Promise<boolean> {
    await ensureStateDir(this.#dir);
    try {
      const handle = await open(
        this.#path,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
        0o600,
      );
      await handle.close();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw ioError("create", this.#path, err);
    }
  }

  async #endsTorn(): Promise<boolean> {
    const handle = await open(this.#path, "r");
    try {
      const { size } = await handle.stat();
      if (size === 0) return false;
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      return last[0] !== 0x0a;
    } finally {
      await handle.close();
    }
  }
}

function ioError(syscall: string, path: string, err: unknown): AgentError {
  return stateIoError(`journal ${syscall}`, path, err);
}
