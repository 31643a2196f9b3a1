/**
 * The key table of docs/daemon.md is generated from the schema
 * (scripts/config-reference.ts): it is current, it lists every key the
 * daemon reads, and a key without reference text is refused.
 */
import { readFileSync } from "node:fs";
import t from "tap";
import * as v from "valibot";
import { configRows, renderDaemonDoc } from "../../scripts/config-reference.js";
import { key, section } from "../../src/agent/config-kit.js";
import { defaultConfig } from "../../src/agent/config-schema.js";

const DOC = new URL("../../docs/daemon.md", import.meta.url);

t.test("docs/daemon.md's table is the one the schema gives", async (t) => {
  const current = readFileSync(DOC, "utf8");
  t.equal(current, renderDaemonDoc(current), "stale: run npm run docs:config");
});

/** Key paths of a parsed configuration, down to values (arrays and id maps are values). */
function leafKeys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [prefix];
  if (prefix === "kernelDrivers") return [prefix];
  return Object.entries(value).flatMap(([k, inner]) =>
    leafKeys(inner, prefix === "" ? k : `${prefix}.${k}`),
  );
}

t.test("every key of the configuration has a row", async (t) => {
  const rows = new Set(configRows().map((r) => r.key));
  const keys = leafKeys(defaultConfig());
  t.ok(keys.length > 60, `${keys.length} keys`);
  for (const k of keys) t.ok(rows.has(k), k);
  // Sections off by default still list their keys.
  for (const k of ["listeners.tcp.tls.clientCa", "autoScaling.lifecycleHook.onFailure"]) {
    t.ok(rows.has(k), k);
  }
});

t.test("defaults and reference text come from the schema", async (t) => {
  const rows = new Map(configRows().map((r) => [r.key, r]));
  t.equal(rows.get("transactions.writeTimeoutMs")?.fallback, "`30000`");
  t.equal(rows.get("transactions.writeTimeoutMs")?.values, "100–3600000 ms");
  t.equal(rows.get("listeners.readOnlySocket.maxConnections")?.fallback, "`32`");
  t.equal(rows.get("listeners.tcp.address")?.fallback, "required");
  t.equal(rows.get("repairDrift")?.values, "`true`, `false`");
});

t.test("a key without reference text is refused", async (t) => {
  const schema = section({
    documented: key(v.optional(v.number(), 1), { doc: "Has text." }),
    nested: section({ bare: v.optional(v.string(), "x") }),
  });
  t.throws(() => configRows(schema), { message: /nested\.bare has no reference text/ });
});
