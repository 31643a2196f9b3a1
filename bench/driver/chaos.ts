/**
 * `npm run chaos`: random schedules against the driver engine, printing how
 * many violated their invariant. Exit code 1 when any did.
 *
 * - faults: write faults on forward and rollback steps (invariant 1; see
 *   test/driver/fault-property.test.ts);
 * - journal: damage to the journal before a restart: lost end records,
 *   flipped bits, forged records (another device, the primary, a device
 *   outside the allowlist, stale copies); recovery writes only what the last
 *   operation of a device justifies, never outside the allowlist (see
 *   test/driver/journal-damage.test.ts).
 *
 * - controller: the reference controller against the ENI contract, with the
 *   controller and the agent restarted at random steps, EC2 throttled and
 *   IMDS down (see bench/controller/controller-chaos.ts). A schedule takes
 *   about two seconds, so this suite runs a tenth of CHAOS_RUNS unless
 *   CHAOS_CONTROLLER_RUNS says otherwise.
 *
 * CHAOS_RUNS (default 10 000 per suite), CHAOS_SEED and CHAOS_SUITE
 * (faults, journal, controller; default all) override.
 */
import fc from "fast-check";
import { check, scheduleCase } from "../../test/driver/fault-schedule.js";
import { checkDamage, damageCase } from "../../test/driver/journal-damage.js";
import { runControllerSchedule } from "../controller/controller-chaos.js";

const runs = Number(process.env.CHAOS_RUNS ?? 10_000);
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31);
const only = process.env.CHAOS_SUITE;

async function suite<C>(
  name: string,
  cases: fc.Arbitrary<C>,
  violation: (c: C) => Promise<string | null>,
  count = runs,
): Promise<number> {
  if (only !== undefined && only !== name) return 0;
  const samples = fc.sample(cases, { numRuns: count, seed });
  let violations = 0;
  const examples: string[] = [];
  const started = performance.now();
  for (const c of samples) {
    const v = await violation(c);
    if (v === null) continue;
    violations += 1;
    if (examples.length < 5) examples.push(`${v}: ${JSON.stringify(c)}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `chaos ${name}: seed ${seed}, ${count} schedules in ${seconds} s, ${violations} violations\n`,
  );
  for (const line of examples) process.stdout.write(`  ${line}\n`);
  return violations;
}

const controllerRuns = Number(process.env.CHAOS_CONTROLLER_RUNS ?? Math.ceil(runs / 10));
const violations =
  (await suite("faults", scheduleCase, check)) +
  (await suite("journal", damageCase, checkDamage)) +
  (await suite(
    "controller",
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    (s) => runControllerSchedule(s),
    controllerRuns,
  ));
process.exitCode = violations === 0 ? 0 : 1;
