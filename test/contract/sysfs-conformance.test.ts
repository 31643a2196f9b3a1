import t from "tap";
import { ROWS } from "./conformance-rows.js";
import { runConformance } from "./run-conformance.js";
import { simTarget } from "./sim-target.js";

const CASES = [
  { mode: "iommu", errnoStyle: "modern" },
  { mode: "stock", errnoStyle: "modern" },
  { mode: "noiommu", errnoStyle: "modern" },
  { mode: "iommu", errnoStyle: "pre-5.14" },
  { mode: "stock", errnoStyle: "pre-5.14" },
] as const;

for (const { mode, errnoStyle } of CASES) {
  t.test(`the simulator conforms to the observed kernel: ${mode}, ${errnoStyle}`, async (t) => {
    const { target } = simTarget(mode, errnoStyle);
    const results = await runConformance(target);
    const ids = new Set(results.map((r) => r.id));
    for (const row of ROWS) t.ok(ids.has(row.id), `row ${row.id} reported`);
    for (const r of results) {
      if (!r.ok) t.fail(`${r.id}: expected ${r.expected}, got ${r.actual}; ${r.detail}`);
    }
    const skipped = results.filter((r) => r.skipped).map((r) => r.id);
    const expectSkipped = mode === "stock" ? ["B7", "B8", "U14", "U15", "V1"] : [];
    t.same(skipped, expectSkipped, "only rows unreachable in this mode are skipped");
  });
}
