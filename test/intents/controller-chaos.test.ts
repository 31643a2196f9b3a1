/**
 * Controller chaos in CI (issue 13): seeded schedules of the reference
 * controller against the agent's intents, with the controller and the agent
 * restarted at random steps, EC2 throttled at 50 % and IMDS down at times.
 * `npm run chaos` runs many more (CHAOS_SUITE=controller).
 */
import t from "tap";
import {
  runControllerSchedule,
  type ScheduleStats,
} from "../../bench/controller/controller-chaos.js";

const RUNS = Number(process.env.CONTROLLER_CHAOS_RUNS ?? 6);
const SEED = Number(process.env.CHAOS_SEED ?? 1);

t.test(`${RUNS} schedules from seed ${SEED}: every invariant holds`, async (t) => {
  const total: ScheduleStats = { controllerCrashes: 0, agentRestarts: 0, throttled: 0, rounds: 0 };
  for (let i = 0; i < RUNS; i++) {
    const stats: ScheduleStats = {
      controllerCrashes: 0,
      agentRestarts: 0,
      throttled: 0,
      rounds: 0,
    };
    t.equal(await runControllerSchedule(SEED + i, {}, stats), null, `seed ${SEED + i}`);
    for (const k of Object.keys(total) as (keyof ScheduleStats)[]) total[k] += stats[k];
  }
  t.ok(total.controllerCrashes > 0, `the controller was killed ${total.controllerCrashes} times`);
  t.ok(total.agentRestarts > 0, `the agent restarted ${total.agentRestarts} times`);
  t.ok(total.throttled > 0, `EC2 throttled ${total.throttled} calls`);
});

t.test("the invariants catch a controller that detaches before it releases", async (t) => {
  const violation = await runControllerSchedule(SEED, { detachFirst: true });
  t.match(violation, /hazards: /);
});
