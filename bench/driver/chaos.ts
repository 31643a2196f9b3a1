/**
 * `npm run chaos`: random schedules against the driver engine and the
 * controller contract, printing how many violated their invariants. Exit
 * code 1 when any did.
 *
 * - faults: write faults on forward and rollback steps (invariant 1; see
 *   test/driver/fault-property.test.ts);
 * - journal: damage to the journal before a restart: lost end records,
 *   flipped bits, forged records (another device, the primary, a device
 *   outside the allowlist, stale copies); recovery writes only what the last
 *   operation of a device justifies, never outside the allowlist (see
 *   test/driver/journal-damage.test.ts).
 * - controller: the reference controller against the ENI contract, with the
 *   controller killed at random steps, the agent killed at random writes and
 *   restarted, EC2 throttled and IMDS down (see
 *   bench/controller/controller-chaos.ts). All CPU, no waiting: about a
 *   tenth of a second of CPU a schedule.
 *
 * CHAOS_RUNS (default 10 000 per suite), CHAOS_SEED and CHAOS_SUITE
 * (faults, journal, controller; default all) override; CHAOS_JOBS (default
 * 1) spreads the controller schedules over that many processes.
 * `npm run chaos:controller` is the 1,000 controller schedules CI runs.
 */
import { spawn } from "node:child_process";
import fc from "fast-check";
import { check, scheduleCase } from "../../test/driver/fault-schedule.js";
import { checkDamage, damageCase } from "../../test/driver/journal-damage.js";
import {
  addStats,
  noStats,
  runControllerSchedule,
  type ScheduleStats,
} from "../controller/controller-chaos.js";

const runs = Number(process.env.CHAOS_RUNS ?? 10_000);
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31);
const only = process.env.CHAOS_SUITE;
const jobs = Math.max(1, Number(process.env.CHAOS_JOBS ?? 1));
/** "i/n" in a process started by another to run every n-th schedule from the i-th. */
const shard = process.env.CHAOS_SHARD;

/** What a run of schedules found. */
interface Outcome {
  violations: number;
  examples: string[];
  stats: ScheduleStats;
}

async function runCases<C>(
  cases: readonly C[],
  violation: (c: C, stats: ScheduleStats) => Promise<string | null>,
): Promise<Outcome> {
  const outcome: Outcome = { violations: 0, examples: [], stats: noStats() };
  for (const c of cases) {
    const v = await violation(c, outcome.stats);
    if (v === null) continue;
    outcome.violations += 1;
    if (outcome.examples.length < 5) outcome.examples.push(`${v}: ${JSON.stringify(c)}`);
  }
  return outcome;
}

/** Runs the suite's schedules in `jobs` child processes, every jobs-th each; sums what they found. */
async function runSharded(name: string): Promise<Outcome> {
  const parts = await Promise.all(
    Array.from({ length: jobs }, async (_, i) => {
      const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
        env: {
          ...process.env,
          CHAOS_SUITE: name,
          CHAOS_SEED: String(seed),
          CHAOS_SHARD: `${i}/${jobs}`,
        },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (b: Buffer) => (out += b.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      if (code !== 0) throw new Error(`chaos shard ${i}/${jobs} exited with ${code}`);
      return JSON.parse(out) as Outcome;
    }),
  );
  const total: Outcome = { violations: 0, examples: [], stats: noStats() };
  for (const part of parts) {
    total.violations += part.violations;
    total.examples.push(...part.examples.slice(0, 5 - total.examples.length));
    addStats(total.stats, part.stats);
  }
  return total;
}

async function suite<C>(
  name: string,
  cases: fc.Arbitrary<C>,
  violation: (c: C, stats: ScheduleStats) => Promise<string | null>,
  options: { count?: number; shardable?: boolean } = {},
): Promise<number> {
  if (only !== undefined && only !== name) return 0;
  const count = options.count ?? runs;
  const samples = fc.sample(cases, { numRuns: count, seed });
  if (shard !== undefined) {
    const [i, n] = shard.split("/").map(Number) as [number, number];
    const outcome = await runCases(
      samples.filter((_, k) => k % n === i),
      violation,
    );
    process.stdout.write(JSON.stringify(outcome));
    return outcome.violations;
  }
  const started = performance.now();
  const outcome =
    options.shardable && jobs > 1 ? await runSharded(name) : await runCases(samples, violation);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const across = options.shardable && jobs > 1 ? ` across ${jobs} processes` : "";
  process.stdout.write(
    `chaos ${name}: seed ${seed}, ${count} schedules in ${seconds} s${across}, ${outcome.violations} violations\n`,
  );
  if (name === "controller") {
    const { controllerCrashes, agentKills, agentRestarts, throttled, killedAt } = outcome.stats;
    process.stdout.write(
      `  controller killed ${controllerCrashes} times, agent killed ${agentKills} times ` +
        `(${JSON.stringify(killedAt)}), agent restarted ${agentRestarts} times, ` +
        `${throttled} EC2 calls throttled\n`,
    );
  }
  for (const line of outcome.examples) process.stdout.write(`  ${line}\n`);
  return outcome.violations;
}

const violations =
  (await suite("faults", scheduleCase, check)) +
  (await suite("journal", damageCase, checkDamage)) +
  (await suite(
    "controller",
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    async (s, stats) => {
      const one = noStats();
      const v = await runControllerSchedule(s, {}, one);
      addStats(stats, one);
      return v;
    },
    { count: Number(process.env.CHAOS_CONTROLLER_RUNS ?? runs), shardable: true },
  ));
process.exitCode = violations === 0 ? 0 : 1;
