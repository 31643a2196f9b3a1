/**
 * Generates the key table of docs/daemon.md ("Configuration reference") from
 * the configuration schema, so the page cannot say what the daemon does not
 * do: each key's default comes from the schema, its text from the key's
 * reference entry (config-kit.ts `key(...)`).
 *
 *   npm run docs:config            rewrite the table in docs/daemon.md
 *   npm run docs:config -- --check exit 1 if the table is out of date
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type * as v from "valibot";
import { docOf } from "../src/agent/config-kit.js";
import { CONFIG_SCHEMA } from "../src/agent/config-schema.js";

const DOC = fileURLToPath(new URL("../docs/daemon.md", import.meta.url));
export const BEGIN = "<!-- BEGIN GENERATED CONFIG KEYS (npm run docs:config) -->";
export const END = "<!-- END GENERATED CONFIG KEYS -->";

/** What the walk needs of a valibot schema: the shapes its kinds share. */
interface SchemaNode {
  readonly kind: string;
  readonly type: string;
  readonly wrapped?: SchemaNode;
  readonly default?: unknown;
  readonly entries?: Readonly<Record<string, SchemaNode>>;
  readonly pipe?: readonly SchemaNode[];
}

/** One row of the table. */
export interface KeyRow {
  readonly key: string;
  readonly fallback: string;
  readonly values: string;
  readonly meaning: string;
}

/** The keys of an object schema (through optional, nullish and pipes), or null. */
function entriesOf(node: SchemaNode): Readonly<Record<string, SchemaNode>> | null {
  if (node.type === "strict_object" || node.type === "object") return node.entries ?? null;
  if (node.wrapped !== undefined) return entriesOf(node.wrapped);
  for (const item of node.pipe ?? []) {
    if (item !== node && item.kind === "schema") {
      const found = entriesOf(item);
      if (found !== null) return found;
    }
  }
  return null;
}

function hasDefault(node: SchemaNode): boolean {
  return "default" in node;
}

function innermost(node: SchemaNode): SchemaNode {
  return node.wrapped === undefined ? node : innermost(node.wrapped);
}

function code(value: unknown): string {
  if (Array.isArray(value) && value.length > 0) {
    return `\`[${value.map((item) => JSON.stringify(item)).join(", ")}]\``;
  }
  return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}

/**
 * The rows of `schema`, depth first in declaration order. A section without
 * reference text of its own (`transactions`) is only a prefix; one with text
 * (`listeners.tcp`) is a row and then its keys. Throws on a key without
 * reference text: an undocumented key is a bug of the schema, not a gap in
 * the page.
 */
export function configRows(schema: v.GenericSchema = CONFIG_SCHEMA, prefix = ""): KeyRow[] {
  const entries = entriesOf(schema as unknown as SchemaNode);
  if (entries === null) throw new Error(`${prefix || "the schema"} is not an object schema`);
  const rows: KeyRow[] = [];
  for (const [name, node] of Object.entries(entries)) {
    const path = prefix === "" ? name : `${prefix}.${name}`;
    const doc = docOf(node as unknown as v.GenericSchema);
    const inner = entriesOf(node);
    if (doc.doc !== undefined) {
      rows.push({
        key: path,
        fallback: doc.shown ?? (hasDefault(node) ? code(node.default) : "required"),
        values: doc.values ?? (innermost(node).type === "boolean" ? "`true`, `false`" : ""),
        meaning: doc.doc,
      });
    } else if (inner === null) {
      throw new Error(`configuration key ${path} has no reference text: give it one with key()`);
    }
    if (inner !== null) rows.push(...configRows(node as unknown as v.GenericSchema, path));
  }
  return rows;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|");
}

/** The rows as a Markdown table, columns padded so the source reads as a table too. */
export function renderTable(rows: readonly KeyRow[]): string {
  const lines = [
    ["Key", "Default", "Values", "Meaning"],
    ...rows.map((r) => [`\`${r.key}\``, r.fallback, r.values, r.meaning].map(cell)),
  ];
  const widths = lines[0]!.map((_, i) => Math.max(3, ...lines.map((l) => l[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(lines[0]!),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...lines.slice(1).map(line),
  ].join("\n");
}

/** `doc` with the table between the markers replaced by `table`. */
export function replaceTable(doc: string, table: string): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin)
    throw new Error(`docs/daemon.md needs the markers\n${BEGIN}\n${END}`);
  return `${doc.slice(0, begin + BEGIN.length)}\n\n${table}\n\n${doc.slice(end)}`;
}

/** docs/daemon.md as it should read. */
export function renderDaemonDoc(current: string): string {
  return replaceTable(current, renderTable(configRows()));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const current = readFileSync(DOC, "utf8");
  const fresh = renderDaemonDoc(current);
  if (process.argv.includes("--check")) {
    if (current !== fresh) {
      process.stderr.write(
        "docs/daemon.md's configuration table is stale: run npm run docs:config\n",
      );
      process.exitCode = 1;
    }
  } else {
    writeFileSync(DOC, fresh);
    process.stdout.write(`wrote ${DOC}\n`);
  }
}
