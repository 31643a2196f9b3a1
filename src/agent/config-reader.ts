/**
 * A small typed walker over parsed JSON for the configuration: every read
 * names its key path, so every error reads `<file>: <key.path>: <reason>`.
 * Unknown keys are errors too: a misspelt key silently falling back to its
 * default is how a daemon ends up listening where nobody expected.
 */
import { AgentError } from "../common/index.js";

export type JsonObject = Readonly<Record<string, unknown>>;

/** The error of a bad configuration: INVALID_ARGUMENT naming the file and the key. */
export function configError(file: string, key: string, reason: string): AgentError {
  return new AgentError("INVALID_ARGUMENT", `${file}: ${key}: ${reason}`, {
    path: file,
    remedy: `fix ${key} in ${file}; the keys are documented in docs/daemon.md`,
  });
}

export class ConfigReader {
  readonly file: string;
  readonly prefix: string;
  readonly #object: JsonObject;
  readonly #known: ReadonlySet<string>;

  /** `known`: every key this object may hold; anything else is refused. */
  constructor(file: string, prefix: string, value: unknown, known: readonly string[]) {
    this.file = file;
    this.prefix = prefix;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw configError(file, prefix === "" ? "(top level)" : prefix, "must be a JSON object");
    }
    this.#object = value as JsonObject;
    this.#known = new Set(known);
    for (const key of Object.keys(this.#object)) {
      if (!this.#known.has(key)) {
        throw this.error(key, `unknown key; known keys here: ${[...this.#known].join(", ")}`);
      }
    }
  }

  key(name: string): string {
    return this.prefix === "" ? name : `${this.prefix}.${name}`;
  }

  error(name: string, reason: string): AgentError {
    return configError(this.file, this.key(name), reason);
  }

  has(name: string): boolean {
    return this.#object[name] !== undefined;
  }

  raw(name: string): unknown {
    return this.#object[name];
  }

  /** A nested object (absent → `{}`, so its defaults apply). */
  object(name: string, known: readonly string[]): ConfigReader {
    return new ConfigReader(this.file, this.key(name), this.#object[name] ?? {}, known);
  }

  /** A nested object that may be null or absent (a feature that is off). */
  optionalObject(name: string, known: readonly string[]): ConfigReader | null {
    const value = this.#object[name];
    if (value === undefined || value === null) return null;
    return new ConfigReader(this.file, this.key(name), value, known);
  }

  string(name: string, fallback: string, check?: (value: string) => string | null): string {
    return this.optionalString(name, check) ?? fallback;
  }

  /** A string or null; `check` returns a reason when the value is wrong. */
  optionalString(name: string, check?: (value: string) => string | null): string | null {
    const value = this.#object[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== "string" || value === "") {
      throw this.error(name, "must be a non-empty string");
    }
    const reason = check?.(value) ?? null;
    if (reason !== null) throw this.error(name, reason);
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.#object[name];
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") throw this.error(name, "must be true or false");
    return value;
  }

  /** An integer in [min, max]. */
  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.#object[name];
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw this.error(name, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  /** One of `choices`. */
  choice<T extends string>(name: string, fallback: T, choices: readonly T[]): T {
    const value = this.#object[name];
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
      throw this.error(name, `must be one of ${choices.map((c) => `"${c}"`).join(", ")}`);
    }
    return value as T;
  }

  /** An array of strings, each passing `check` (which returns a reason or null). */
  strings(
    name: string,
    fallback: readonly string[],
    check?: (value: string) => string | null,
  ): string[] {
    const value = this.#object[name];
    if (value === undefined) return [...fallback];
    if (!Array.isArray(value)) throw this.error(name, "must be an array of strings");
    return value.map((item, i) => {
      if (typeof item !== "string" || item === "") {
        throw configError(this.file, `${this.key(name)}[${i}]`, "must be a non-empty string");
      }
      const reason = check?.(item) ?? null;
      if (reason !== null) throw configError(this.file, `${this.key(name)}[${i}]`, reason);
      return item;
    });
  }

  /** An array of objects, each read by `read` with its indexed key. */
  objects<T>(name: string, read: (item: unknown, key: string) => T): T[] {
    const value = this.#object[name];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw this.error(name, "must be an array");
    return value.map((item, i) => read(item, `${this.key(name)}[${i}]`));
  }
}

/** Deep-freezes a plain JSON-like value. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
