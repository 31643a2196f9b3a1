/**
 * The suite's row table against the kernel's own answers: the JSON recorded
 * in a qemu guest running Linux 6.1 (fixtures/linux-6.1/<mode>.json). Every
 * observed row must be in the table with the same file, value, result, before
 * and after state, and extra observations; the table must hold no row the
 * kernel was not asked.
 */
import { readFileSync } from "node:fs";
import t from "tap";
import { forMode, ROWS, type Row, type RowExtra } from "./conformance-rows.js";
import type { ConformanceMode } from "./conformance-types.js";
import { quote, renderState } from "./device-state.js";
import { expand, expandState, type RunContext } from "./run-context.js";

interface ObservedRow {
  id: string;
  group: string;
  desc: string;
  file: string;
  value: string;
  res: string;
  pre: string | null;
  post: string | null;
  extra?: Record<string, unknown>;
}

const MODES: ConformanceMode[] = ["iommu", "stock", "noiommu"];

/** The guest the facts come from, as a context for filling placeholders. */
const GUEST = {
  target: {
    nics: ["0000:01:00.0", "0000:02:00.0", "0000:03:00.0"],
    unboundHex: "0000:00:1f.0",
  },
  subs: {
    "{A}": "0000:01:00.0",
    "{B}": "0000:02:00.0",
    "{C}": "0000:03:00.0",
    "{Ashort}": "01:00.0",
    "{nic}": "e1000e",
    "{nicId}": "8086 10d3",
    "{nicVendor}": "8086",
    "{absent}": "0000:09:00.0",
    "{bridge}": "0000:00:10.0",
    "{hex}": "0000:00:1f.0",
    "{HEX}": "0000:00:1F.0",
  },
  names: ["eth0", "eth1", "eth2"],
  paths: { A: "devices/pci0000:00/0000:00:10.0/0000:01:00.0", B: "", C: "" },
} as unknown as RunContext;

/** iommu groups of the guest's NICs in the observed (four-NIC) run. */
const GROUPS: Record<ConformanceMode, Record<string, string>> = {
  iommu: { A: "6", C: "8" },
  stock: {},
  noiommu: { A: "0", C: "0" },
};

function renderValue(row: Row): string {
  const value = expand(GUEST, row.value);
  if (row.bytes) {
    const hex = [...Buffer.from(value, "utf8")].map((b) => b.toString(16).padStart(2, "0"));
    return `bytes[${hex.join(" ")}]`;
  }
  return quote(value);
}

function renderStateSpec(spec: ReturnType<typeof forMode<Row["pre"]>>): string | null {
  return spec === null ? null : renderState(expandState(GUEST, spec as string));
}

function renderExtra(row: Row, extra: RowExtra, mode: ConformanceMode): Record<string, unknown> {
  const group = GROUPS[mode][row.subject ?? "A"] ?? "?";
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) {
    if (key === "A" || key === "B" || key === "C") out[key] = renderStateSpec(value as string);
    else if (key === "group") out[key] = value === "<group>" ? group : value;
    else if (Array.isArray(value)) {
      out[key] = value.map((v: string) =>
        v.replace("<group>", group).replace("<Apath>", GUEST.paths.A),
      );
    } else out[key] = value;
  }
  return out;
}

for (const mode of MODES) {
  t.test(`the row table matches every row the kernel answered (${mode})`, async (t) => {
    const url = new URL(`./fixtures/linux-6.1/${mode}.json`, import.meta.url);
    const observed = (JSON.parse(readFileSync(url, "utf8")) as { rows: ObservedRow[] }).rows;
    for (const obs of observed) {
      const row = ROWS.find((r) => r.id === obs.id);
      if (!row) {
        t.fail(`row ${obs.id} is missing from the table`);
        continue;
      }
      const mine = {
        group: row.group,
        desc: expand(GUEST, row.situation).replace(
          "<groupNode>",
          `/dev/vfio/${mode === "noiommu" ? "noiommu-" : ""}${GROUPS[mode].A}`,
        ),
        file: expand(GUEST, row.file),
        value: renderValue(row),
        res: forMode(row.result, mode),
        pre: renderStateSpec(forMode(row.pre, mode)),
        post: renderStateSpec(forMode(row.post, mode)),
        extra: (() => {
          const extra = forMode(row.extra ?? null, mode);
          return extra ? renderExtra(row, extra, mode) : undefined;
        })(),
      };
      const theirs = {
        group: obs.group,
        desc: obs.desc,
        file: obs.file,
        value: obs.value,
        res: obs.res,
        pre: obs.pre,
        post: obs.post,
        extra: obs.extra,
      };
      t.same(mine, theirs, obs.id);
    }
    // Rows only observed in some modes: the rest of the table is n/a or mode-independent.
    const seen = new Set(observed.map((o) => o.id));
    for (const row of ROWS) {
      if (seen.has(row.id)) continue;
      const result = forMode(row.result, mode);
      const observedElsewhere = MODES.some((m) =>
        (
          JSON.parse(
            readFileSync(new URL(`./fixtures/linux-6.1/${m}.json`, import.meta.url), "utf8"),
          ) as { rows: ObservedRow[] }
        ).rows.some((o) => o.id === row.id),
      );
      t.ok(result === "n/a" || observedElsewhere, `${row.id} was observed in some mode`);
    }
  });
}
