/**
 * Where intents live across restarts: `<stateDir>/intents.json`, replaced
 * atomically by the state directory's one writer (temp file, fsync, rename,
 * fsync dir). The file is read at start and written after every change; the
 * caller serializes changes.
 */
import {
  AgentError,
  atomicWriteFile,
  type DriverName,
  parseEniId,
  parseMac,
  readStateFile,
} from "../common/index.js";
import type { EniIntent, ReleasedIntent } from "./intent-types.js";
import { parseGeneration, parseOwner, parseRequestId } from "./parse-intent.js";

export interface IntentState {
  intents: EniIntent[];
  /** Newest last; at most MAX_RELEASED are kept. */
  released: ReleasedIntent[];
}

export interface IntentStore {
  /** NOT_FOUND never: a missing file is an empty state. */
  load(): Promise<IntentState>;
  save(state: IntentState): Promise<void>;
}

export const INTENTS_FILE = "intents.json";

/**
 * Tombstones kept per host. One per released ENI; a host sees a few ENIs a
 * day, so this bounds the file without fencing anything a controller still
 * retries.
 */
export const MAX_RELEASED = 1024;

export class MemoryIntentStore implements IntentStore {
  #state: IntentState = { intents: [], released: [] };

  async load(): Promise<IntentState> {
    return structuredClone(this.#state);
  }

  async save(state: IntentState): Promise<void> {
    this.#state = structuredClone(state);
  }
}

export class FileIntentStore implements IntentStore {
  readonly #dir: string;

  constructor(options: { stateDir: string }) {
    this.#dir = options.stateDir;
  }

  async load(): Promise<IntentState> {
    const path = `${this.#dir}/${INTENTS_FILE}`;
    const text = await readStateFile(this.#dir, INTENTS_FILE);
    if (text === null) return { intents: [], released: [] };
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw damaged(path, (err as Error).message, err);
    }
    return parseIntentState(doc, path);
  }

  async save(state: IntentState): Promise<void> {
    const doc = { version: 1, intents: state.intents, released: state.released };
    await atomicWriteFile(this.#dir, INTENTS_FILE, `${JSON.stringify(doc, null, 2)}\n`);
  }
}

const DRIVER = /^[A-Za-z0-9_.-]{1,64}$/;

/** Every record passes the same parsers as a request: a hand-edited file cannot smuggle a path. */
export function parseIntentState(doc: unknown, path: string): IntentState {
  const d = object(doc);
  try {
    if (d.version !== 1) throw new Error(`version ${JSON.stringify(d.version)} is not 1`);
    const intents = array(d.intents).map((value): EniIntent => {
      const v = object(value);
      const driver = String(v.driver);
      if (!DRIVER.test(driver)) throw new Error(`driver ${JSON.stringify(driver)}`);
      return {
        eniId: parseEniId(String(v.eniId)),
        mac: v.mac === null || v.mac === undefined ? null : parseMac(String(v.mac)),
        driver: driver as DriverName,
        owner: parseOwner(String(v.owner)),
        generation: parseGeneration(String(v.generation)),
        requestId: parseRequestId(String(v.requestId)),
        releasing: v.releasing === true,
      };
    });
    const released = array(d.released).map((value): ReleasedIntent => {
      const v = object(value);
      return {
        eniId: parseEniId(String(v.eniId)),
        owner: parseOwner(String(v.owner)),
        generation: parseGeneration(String(v.generation)),
        mac: v.mac === null || v.mac === undefined ? null : parseMac(String(v.mac)),
        ...(v.deleting === true ? { deleting: true as const } : {}),
      };
    });
    return { intents, released };
  } catch (err) {
    throw damaged(path, (err as Error).message, err);
  }
}

function damaged(path: string, why: string, cause: unknown): AgentError {
  return new AgentError("FAILED_PRECONDITION", `${path} is damaged: ${why}`, {
    path,
    remedy: "fix the file, or remove it and let each controller sync its intents again",
    cause,
  });
}

function object(value: unknown): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  throw new Error(`expected an object, found ${JSON.stringify(value)?.slice(0, 60)}`);
}

function array(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  throw new Error(`expected a list, found ${JSON.stringify(value)?.slice(0, 60)}`);
}
