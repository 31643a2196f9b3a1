/**
 * `npm run chaos`: 10 000 random fault schedules against the driver engine
 * (see test/driver/fault-property.test.ts), printing how many violated
 * invariant 1. Exit code 1 when any did. CHAOS_RUNS and CHAOS_SEED override.
 */
import fc from "fast-check";
import { check, scheduleCase } from "../../test/driver/fault-schedule.js";

const runs = Number(process.env.CHAOS_RUNS ?? 10_000);
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31);
const samples = fc.sample(scheduleCase, { numRuns: runs, seed });
let violations = 0;
const examples: string[] = [];
const started = performance.now();
for (const c of samples) {
  const v = await check(c);
  if (v === null) continue;
  violations += 1;
  if (examples.length < 5) examples.push(`${v}: ${JSON.stringify(c)}`);
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(
  `chaos: seed ${seed}, ${runs} schedules in ${seconds} s, ${violations} violations\n`,
);
for (const line of examples) process.stdout.write(`  ${line}\n`);
process.exitCode = violations === 0 ? 0 : 1;
