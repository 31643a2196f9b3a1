/**
 * Recovery from a damaged or forged journal over random schedules (#17):
 * lost end records, flipped bits, forged records for another device, the
 * primary, a device outside the allowlist, stale copies of earlier
 * operations. Recovery writes only what the last operation of a device
 * justifies, and never outside the allowlist. The seed is printed; a
 * failing seed becomes a case in recovery-journal.test.ts. `npm run chaos`
 * runs 10 000.
 */
import fc from "fast-check";
import t from "tap";
import { checkDamage, damageCase } from "./journal-damage.js";

t.test("recovery from random journal damage writes only what the journal justifies", async (t) => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  t.comment(`fast-check seed ${seed}`);
  await fc.assert(
    fc.asyncProperty(damageCase, async (c) => {
      const v = await checkDamage(c);
      if (v !== null) throw new Error(`${v} in ${JSON.stringify(c)}`);
    }),
    { numRuns: 200, seed },
  );
  t.pass("200 damage schedules held the invariant");
});
