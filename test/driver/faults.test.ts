/**
 * Every write of every scenario failing with each relevant errno, a block
 * (stuck past its deadline, then released) and a silent no-op, alone and
 * followed by a second fault on the next write (so the rollback fails too),
 * on both kernel errno behaviours: invariant 1 holds in every case.
 */
import t from "tap";
import { FAULT_KINDS, runCase, SCENARIOS } from "./fault-cases.js";

for (const style of ["modern", "pre-5.14"] as const) {
  for (const scenario of SCENARIOS) {
    t.test(`${style}: ${scenario.name}`, async (t) => {
      const clean = await runCase(style, scenario, []);
      t.equal(clean.violation, null, "no fault");
      t.equal(clean.code, null, "no fault: success");
      for (let write = 0; write < clean.writes; write += 1) {
        for (const kind of FAULT_KINDS) {
          const single = await runCase(style, scenario, [{ write, kind }]);
          t.equal(single.violation, null, `write ${write}: ${kind}`);
          // One fault, on a kernel that then behaves: the rollback must succeed.
          t.not(single.health, "degraded", `write ${write}: ${kind} rolls back cleanly`);
          const double = await runCase(style, scenario, [
            { write, kind },
            { write: write + 1, kind: "EIO" },
          ]);
          t.equal(double.violation, null, `write ${write}: ${kind}, then EIO`);
        }
      }
    });
  }
}
