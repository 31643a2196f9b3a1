/**
 * Journal file adapter: `<stateDir>/journal.log`, appended and fdatasync'd
 * (the checksum per line makes a torn tail detectable), compaction by atomic
 * replace (temp file, fsync, rename, fsync of the directory).
 *
 * The file stays open between appends, opened with O_DSYNC: each append is
 * one write(2) that returns once the record is durable, as a write followed
 * by fdatasync would, in one round trip through libuv's thread pool instead
 * of two (opening, checking and closing the file per record would cost four
 * more). Appends that arrive while one is being written are written
 * together, in one write and so one flush (group commit): parallel
 * operations share the disk's flush instead of queueing one flush each.
 * Every append still resolves only once its own record is durable.
 *
 * The kept descriptor must not outlive the file it names: a replace closes
 * it (the rename leaves it on the old file), and each write first checks
 * that the file still has a name (an operator who deleted the journal gets
 * a new one, as before, rather than records written into a deleted file).
 * That check is a synchronous fstat: it reads the open inode's link count,
 * which no file system fetches from the disk, so it costs less than the
 * thread-pool round trip an asynchronous one would add to every record.
 */
import { close, constants, fstatSync, open, write } from "node:fs";
import { open as openHandle, readFile } from "node:fs/promises";
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

/** Every write(2) durable on return: the data and the size that finds it (fdatasync's guarantee). */
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_DSYNC;

interface Waiter {
  text: string;
  resolve: () => void;
  reject: (err: AgentError) => void;
}

export class FileJournal implements Journal {
  readonly description: string;
  readonly #dir: string;
  readonly #name: string;
  readonly #path: string;
  /** Writes and replaces run one at a time, in order. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Appends not yet handed to a write: the next batch. */
  #batch: Waiter[] | null = null;
  /** The open journal file, or null (closed, replaced, failed). */
  #fd: number | null = null;
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
    const text = encodeRecord(record);
    return new Promise<void>((resolve, reject) => {
      if (this.#batch !== null) {
        this.#batch.push({ text, resolve, reject });
        return;
      }
      const batch: Waiter[] = [{ text, resolve, reject }];
      this.#batch = batch;
      this.#enqueue(async () => {
        // Everything appended until this batch's turn came rides along.
        if (this.#batch === batch) this.#batch = null;
        try {
          await this.#write(batch.map((w) => w.text).join(""));
        } catch (err) {
          for (const w of batch) w.reject(err as AgentError);
          return;
        }
        for (const w of batch) w.resolve();
      });
    });
  }

  replace(records: readonly JournalRecord[]): Promise<void> {
    return this.#enqueue(async () => {
      await this.#closeFd();
      await atomicWriteFile(this.#dir, this.#name, records.map(encodeRecord).join(""));
      this.#tornTail = false;
    });
  }

  /** Closes the kept descriptor once pending appends are written; the next append reopens. */
  close(): Promise<void> {
    return this.#enqueue(() => this.#closeFd());
  }

  #enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(job);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #write(records: string): Promise<void> {
    try {
      let fd = await this.#openFd();
      if (fstatSync(fd).nlink === 0) {
        // Deleted under us: write to a new file (which has no torn tail).
        await this.#closeFd();
        this.#tornTail = null;
        fd = await this.#openFd();
      }
      // After a torn tail, start on a fresh line so the next record stays whole;
      // the torn fragment remains a reported problem until compaction drops it.
      await writeAll(fd, (this.#tornTail ? "\n" : "") + records);
    } catch (err) {
      await this.#closeFd().catch(() => undefined);
      this.#tornTail = null;
      throw ioError("append", this.#path, err);
    }
    this.#tornTail = false;
  }

  /** The kept descriptor, opening (and if need be creating) the file first. */
  async #openFd(): Promise<number> {
    if (this.#fd !== null) return this.#fd;
    await ensureStateDir(this.#dir);
    let created = false;
    let fd: number;
    try {
      fd = await call<number>((cb) =>
        open(this.#path, APPEND | constants.O_CREAT | constants.O_EXCL, 0o600, cb),
      );
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      fd = await call<number>((cb) => open(this.#path, APPEND, cb));
    }
    this.#fd = fd;
    // A new entry is durable only once its directory is synced.
    if (created) await syncDir(this.#dir);
    if (this.#tornTail === null) this.#tornTail = created ? false : await this.#endsTorn();
    return fd;
  }

  async #closeFd(): Promise<void> {
    const fd = this.#fd;
    if (fd === null) return;
    this.#fd = null;
    await call<void>((cb) => close(fd, cb));
  }

  async #endsTorn(): Promise<boolean> {
    const handle = await openHandle(this.#path, "r");
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

/** One write(2) per record batch in practice; loops on a short write. */
async function writeAll(fd: number, text: string): Promise<void> {
  let buffer = Buffer.from(text, "utf8");
  while (buffer.length > 0) {
    const written = await call<number>((cb) => write(fd, buffer, 0, buffer.length, null, cb));
    buffer = buffer.subarray(written);
  }
}

/** The callback API with numeric descriptors: a FileHandle left to the GC warns. */
function call<T>(
  run: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    run((err, value) => (err ? reject(err) : resolve(value)));
  });
}

function ioError(syscall: string, path: string, err: unknown): AgentError {
  return stateIoError(`journal ${syscall}`, path, err);
}
