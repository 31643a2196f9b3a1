/**
 * In-memory journal with fault injection, for tests and `serve --simulate`.
 * It stores the same encoded text as the file adapter, so torn and corrupt
 * records go through the real decoder.
 */
import { AgentError } from "../common/index.js";
import {
  decodeJournal,
  encodeRecord,
  type Journal,
  type JournalLoad,
  type JournalRecord,
} from "./journal.js";

export type JournalFault =
  /** The append fails before anything is stored (disk full, EIO). */
  | { kind: "fail"; errno: string }
  /** Half the record is stored, then the append fails: a crash mid-write. */
  | { kind: "tear" };

export class MemoryJournal implements Journal {
  readonly description = "memory journal";
  /**
   * The text in pieces, joined when read: appending to one growing string
   * and asking whether it ends in a newline flattens the whole string on
   * every append, which made a long benchmark quadratic in its own journal.
   */
  #chunks: string[];
  #endsMidLine: boolean;
  #appends = 0;
  readonly #faults = new Map<number, JournalFault>();

  constructor(initialText = "") {
    this.#chunks = [initialText];
    this.#endsMidLine = initialText.length > 0 && !initialText.endsWith("\n");
  }

  get #text(): string {
    if (this.#chunks.length > 1) this.#chunks = [this.#chunks.join("")];
    return this.#chunks[0] ?? "";
  }

  set #text(text: string) {
    this.#chunks = [text];
    this.#endsMidLine = text.length > 0 && !text.endsWith("\n");
  }

  /** Makes the `nth` append from now (1-based) fail with `fault`. */
  injectFault(nth: number, fault: JournalFault): void {
    this.#faults.set(this.#appends + nth, fault);
  }

  /** The stored text, e.g. to hand to a fresh journal in a restart test. */
  text(): string {
    return this.#text;
  }

  /** Overwrites one byte (0-based offset) to simulate media corruption. */
  corruptByte(offset: number): void {
    const ch = this.#text[offset] === "x" ? "y" : "x";
    this.#text = this.#text.slice(0, offset) + ch + this.#text.slice(offset + 1);
  }

  async load(): Promise<JournalLoad> {
    return decodeJournal(this.#text);
  }

  async append(record: JournalRecord): Promise<void> {
    this.#appends += 1;
    const fault = this.#faults.get(this.#appends);
    this.#faults.delete(this.#appends);
    const line = encodeRecord(record);
    const prefix = this.#endsMidLine ? "\n" : "";
    if (fault?.kind === "fail") {
      throw new AgentError("UNAVAILABLE", `journal append: ${fault.errno} (injected)`, {
        errno: fault.errno,
        syscall: "append",
      });
    }
    if (fault?.kind === "tear") {
      this.#chunks.push(prefix + line.slice(0, Math.floor(line.length / 2)));
      this.#endsMidLine = true;
      throw new AgentError("UNAVAILABLE", "journal append: torn write (injected)", {
        errno: "EIO",
        syscall: "append",
      });
    }
    this.#chunks.push(prefix + line);
    this.#endsMidLine = false;
  }

  async replace(records: readonly JournalRecord[]): Promise<void> {
    this.#text = records.map(encodeRecord).join("");
  }
}
