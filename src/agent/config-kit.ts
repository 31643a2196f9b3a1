/**
 * The building blocks of the configuration schema (config-schema.ts), on
 * valibot: each key is one schema that carries its own reference entry, so
 * the TypeScript type, the validation and the table in docs/daemon.md come
 * from one declaration. Errors read `<file>: <key.path>: <reason>`, the
 * first problem only (a file is fixed one key at a time anyway).
 */
import * as v from "valibot";
import { AgentError, isAgentError } from "../common/index.js";

/** What the reference table says about a key (config-reference.ts renders it). */
// A type, not an interface: valibot's metadata wants an index signature.
type KeyDoc = {
  /** The Meaning column. */
  readonly doc: string;
  /** The Default column when the value alone would not say it ("from IMDS", "off"). */
  readonly shown?: string;
  /** The Values column: what is accepted ("absolute path", "100–3600000"). */
  readonly values?: string;
  /** The reason given when a required key is missing. */
  readonly missing?: string;
};

type AnySchema = v.GenericSchema;

/** A schema documented as one key of the reference. */
export function key<S extends AnySchema>(schema: S, doc: KeyDoc) {
  return v.pipe(schema, v.metadata(doc));
}

/** The reference entry of a key, if it has one. */
export function docOf(schema: AnySchema): Partial<KeyDoc> {
  return v.getMetadata(schema as v.GenericSchema) as Partial<KeyDoc>;
}

/** The error of a bad configuration: INVALID_ARGUMENT naming the file and the key. */
export function configError(file: string, keyPath: string, reason: string): AgentError {
  return new AgentError("INVALID_ARGUMENT", `${file}: ${keyPath}: ${reason}`, {
    path: file,
    remedy: `fix ${keyPath} in ${file}; the keys are documented in docs/daemon.md`,
  });
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const JSON_OBJECT = v.custom<Record<string, unknown>>(isJsonObject, "must be a JSON object");

/**
 * An object of keys. Unknown keys are errors: a misspelt key silently
 * falling back to its default is how a daemon ends up listening where nobody
 * expected. `retired` maps a key that was removed to the reason (its
 * replacement), said instead of "unknown key".
 */
export function section<E extends v.ObjectEntries>(
  entries: E,
  retired: Readonly<Record<string, string>> = {},
) {
  const known = Object.keys(entries).join(", ");
  return v.pipe(
    JSON_OBJECT,
    v.strictObject(entries, (issue) => {
      const name = String(issue.path?.[0]?.key ?? issue.input);
      // strictObject reports an unknown key with `expected: "never"`.
      if (issue.expected === "never") {
        return retired[name] ?? `unknown key; known keys here: ${known}`;
      }
      const entry = entries[name];
      return entry === undefined
        ? "must be a JSON object"
        : (docOf(entry).missing ?? "is required");
    }),
  );
}

/** A record of `key → value` (an object whose keys are data, not names). */
export function recordOf<K extends v.GenericSchema<string, string>, V extends AnySchema>(
  keys: K,
  values: V,
) {
  return v.pipe(JSON_OBJECT, v.record(keys, values));
}

/** A non-empty string. */
export function text(reason = "must be a non-empty string") {
  return v.pipe(v.string(reason), v.minLength(1, reason));
}

/** An absolute path. */
export function absolutePath() {
  return v.pipe(
    text(),
    checked((p) => (p.startsWith("/") ? null : "must be an absolute path")),
  );
}

/** An integer in [min, max]. */
export function integer(min: number, max: number) {
  const reason = `must be an integer from ${min} to ${max}`;
  return v.pipe(
    v.number(reason),
    v.integer(reason),
    v.minValue(min, reason),
    v.maxValue(max, reason),
  );
}

export function boolean() {
  return v.boolean("must be true or false");
}

/** One of `options`. */
export function oneOf<const T extends readonly string[]>(options: T) {
  return v.picklist(options, `must be one of ${options.map((o) => `"${o}"`).join(", ")}`);
}

/** An array of `item`; an item's errors name its index (`allowedDevices[1]`). */
export function listOf<S extends AnySchema>(item: S, reason = "must be an array") {
  return v.array(item, reason);
}

/** A string that `check` accepts; `check` returns the reason it does not, or null. */
export function checked(check: (value: string) => string | null) {
  return v.rawCheck<string>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const reason = check(dataset.value);
    if (reason !== null) addIssue({ message: reason });
  });
}

/** A string turned into `T` by one of the project's parsers; its AgentError message is the reason. */
export function parsedBy<T>(parse: (value: string) => T) {
  return v.rawTransform<string, T>(({ dataset, addIssue, NEVER }) => {
    try {
      return parse(dataset.value);
    } catch (err) {
      if (!isAgentError(err)) throw err;
      addIssue({ message: err.message });
      return NEVER;
    }
  });
}

/** What a cross-key rule finds wrong: the key at fault (relative to the object) and why. */
export type RuleFinding = readonly [keys: readonly (string | number)[], reason: string];

/**
 * A rule across keys of one object, checked once its keys are valid:
 * `find` returns the offending key path (relative to the object) and the
 * reason, or null.
 */
export function rule<T extends object>(find: (value: T) => RuleFinding | null) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const found = find(dataset.value);
    if (found === null) return;
    addIssue({
      message: found[1],
      ...(found[0].length > 0 ? { path: pathTo(dataset.value, found[0]) } : {}),
    });
  });
}

/** valibot path items for `keys` inside `root`, so the error names the key. */
function pathTo(
  root: unknown,
  keys: readonly (string | number)[],
): [v.IssuePathItem, ...v.IssuePathItem[]] {
  const items: v.IssuePathItem[] = [];
  let input = root as Record<string | number, unknown>;
  for (const k of keys) {
    const value = input?.[k];
    items.push(
      typeof k === "number"
        ? { type: "array", origin: "value", input: input as unknown as unknown[], key: k, value }
        : { type: "object", origin: "value", input, key: k, value },
    );
    input = value as Record<string | number, unknown>;
  }
  return items as [v.IssuePathItem, ...v.IssuePathItem[]];
}

/** `listeners.tcp.tls.cert`, `bindings[0]`; "(top level)" for the whole file. */
function keyPathOf(issue: v.BaseIssue<unknown>): string {
  let out = "";
  for (const item of issue.path ?? []) {
    const k = item.key;
    if (typeof k === "number") out += `[${k}]`;
    else out += out === "" ? String(k) : `.${String(k)}`;
  }
  return out === "" ? "(top level)" : out;
}

/** Validates `json` against `schema`; throws the first problem as a configError. */
export function validate<S extends AnySchema>(
  schema: S,
  json: unknown,
  file: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, json, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  throw configError(file, keyPathOf(issue), issue.message);
}

/** Deep-freezes a plain JSON-like value. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** `T` with every nested property and array read-only (what deepFreeze makes of it). */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends string | number | boolean | null | undefined
    ? T
    : { readonly [K in keyof T]: DeepReadonly<T[K]> };
