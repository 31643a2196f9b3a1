import { getEventListeners } from "node:events";
import t from "tap";
import { PeriodicJob } from "../../src/common/lifecycle.js";

/** A wait the test ends by hand: `tick()` ends the pending one. */
function manualSleep() {
  const waits: { ms: number; resolve: () => void }[] = [];
  return {
    waits,
    sleep: (ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        waits.push({ ms, resolve });
      }),
    tick: () => waits.shift()?.resolve(),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

t.test("runFirst runs a round before the first wait; each wait reads the interval", async (t) => {
  const clock = manualSleep();
  let interval = 100;
  const rounds: number[] = [];
  const job = new PeriodicJob(
    "job",
    { intervalMs: () => interval, runFirst: true, sleep: clock.sleep },
    () => {
      rounds.push(interval);
    },
  );
  await job.start(new AbortController().signal);
  t.same(rounds, [100], "the first round ran at start");
  await turn();
  t.same(
    clock.waits.map((w) => w.ms),
    [100],
  );
  interval = 250;
  clock.tick();
  await turn();
  t.same(rounds, [100, 250]);
  t.same(
    clock.waits.map((w) => w.ms),
    [250],
    "the next wait uses the new interval",
  );
  await job.stop();
  await job.stop();
  t.equal(job.signal, null);
});

t.test("without runFirst the loop waits first; stop waits for the round in progress", async (t) => {
  const clock = manualSleep();
  let release: () => void = () => {};
  let ended = 0;
  const job = new PeriodicJob("job", { intervalMs: () => 10, sleep: clock.sleep }, async () => {
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    ended += 1;
  });
  await job.start(new AbortController().signal);
  await turn();
  t.equal(clock.waits.length, 1, "waiting before any round");
  clock.tick();
  await turn();
  let stopped = false;
  const stopping = job.stop().then(() => {
    stopped = true;
  });
  await turn();
  t.notOk(stopped, "stop waits for the round");
  release();
  await stopping;
  t.equal(ended, 1);
});

t.test("the parent signal ends the loop; stop removes the listener it added", async (t) => {
  const parent = new AbortController();
  let rounds = 0;
  const job = new PeriodicJob("job", { intervalMs: () => 1 }, () => {
    rounds += 1;
  });
  await job.start(parent.signal);
  t.equal(getEventListeners(parent.signal, "abort").length, 1);
  while (rounds < 3) await new Promise((resolve) => setTimeout(resolve, 2));
  parent.abort();
  await job.stop();
  const after = rounds;
  await new Promise((resolve) => setTimeout(resolve, 10));
  t.equal(rounds, after, "no round after the abort");

  const other = new AbortController();
  const again = new PeriodicJob("job", { intervalMs: () => 1_000 }, () => undefined);
  await again.start(other.signal);
  await again.stop();
  t.equal(getEventListeners(other.signal, "abort").length, 0);
});
