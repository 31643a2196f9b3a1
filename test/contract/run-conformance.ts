/**
 * The sysfs conformance suite: every row of the observed kernel facts plus
 * the round trips, interface naming, remove + rescan and layout checks, run
 * against any Sysfs (the simulator here, the real kernel in the test guest).
 *
 * Contract: `runConformance(target)` writes only through `target.sysfs`
 * (and opens /dev nodes only through `target.dev`), never throws for a
 * kernel answer, and resolves to one result per row or check. It leaves the
 * NICs bound to their kernel driver without override. NEVER point it at a
 * host's real /sys: it unbinds and removes the target's devices.
 */
import { runChecks } from "./conformance-checks.js";
import { ROWS, type Row } from "./conformance-rows.js";
import type { ConformanceResult, ConformanceTarget } from "./conformance-types.js";
import { tryWrite } from "./device-state.js";
import { guarded } from "./guarded.js";
import { baseline, prepareContext, type RunContext } from "./run-context.js";
import { runRow } from "./run-row.js";

export type { ConformanceResult, ConformanceTarget, DevHook } from "./conformance-types.js";

/** Row groups that run as one sequence (later rows rely on earlier ones, e.g. dynids). */
const SEQUENCES: readonly (readonly string[])[] = [
  ["unbind"],
  ["driver_override"],
  ["bind"],
  ["drivers_probe"],
  ["new_id", "remove_id"],
  ["busy"],
];

export async function runConformance(target: ConformanceTarget): Promise<ConformanceResult[]> {
  const ctx = await prepareContext(target);
  const results: ConformanceResult[] = [];
  const report = (r: ConformanceResult) => {
    results.push(r);
    const mark = r.skipped ? "skip" : r.ok ? "ok" : "FAIL";
    target.log?.(`${mark} ${r.id}: ${r.actual}${r.detail ? ` (${r.detail})` : ""}`);
  };
  for (const groups of SEQUENCES) {
    const problem = await baseline(ctx);
    const rows = ROWS.filter((r) => groups.includes(r.runsWith ?? r.group));
    if (problem) {
      for (const row of rows) report(setupFailure(row, problem));
      continue;
    }
    for (const row of rows) report(await guarded(row.id, () => runRow(ctx, row)));
    if (groups.includes("new_id")) await dropDynids(ctx);
  }
  await baseline(ctx);
  for (const r of await runChecks(ctx)) report(r);
  await baseline(ctx);
  return results;
}

function setupFailure(row: Row, problem: string): ConformanceResult {
  return {
    id: row.id,
    ok: false,
    skipped: false,
    expected: "-",
    actual: "baseline failed",
    detail: problem,
  };
}

/** Removes every dynamic id the new_id rows may have left on vfio-pci. */
async function dropDynids(ctx: RunContext): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const r = await tryWrite(
      ctx.target.sysfs,
      "bus/pci/drivers/vfio-pci/remove_id",
      ctx.target.nicId,
    );
    if (r !== "OK") return;
  }
}
