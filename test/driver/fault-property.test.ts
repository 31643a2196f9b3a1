/**
 * Invariant 1 over random fault schedules: up to four faults (errno, block,
 * silent no-op) on any forward or rollback write, for binds and restores, on
 * both kernel errno behaviours. The seed is printed; a failing seed becomes
 * a case in faults.test.ts.
 */
import fc from "fast-check";
import t from "tap";
import { check, scheduleCase } from "./fault-schedule.js";

t.test("random fault schedules never leave a device silently in between", async (t) => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  t.comment(`fast-check seed ${seed}`);
  await fc.assert(
    fc.asyncProperty(scheduleCase, async (c) => {
      const v = await check(c);
      if (v !== null) throw new Error(`${v} in ${JSON.stringify(c)}`);
    }),
    { numRuns: 1000, seed },
  );
  t.pass("1000 schedules held the invariant");
});
