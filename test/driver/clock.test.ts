import t from "tap";
import { steppingClock } from "../../src/driver/clock.js";

t.test("the stepping clock fires sleeps in due order and jumps time", async (t) => {
  const clock = steppingClock();
  const fired: string[] = [];
  const long = clock.sleep(30_000).then(() => fired.push(`long@${clock.now()}`));
  const short = clock.sleep(50).then(() => fired.push(`short@${clock.now()}`));
  await Promise.all([long, short]);
  t.same(fired, ["short@50", "long@30000"]);
});

t.test("an aborted sleep rejects and never fires", async (t) => {
  const clock = steppingClock();
  const ac = new AbortController();
  const p = clock.sleep(10, ac.signal);
  ac.abort(new Error("stop"));
  await t.rejects(p, /stop/);
  await clock.sleep(20);
  t.equal(clock.now(), 20);
});

t.test("a timer set with after fires in due order among sleeps, unless cancelled", async (t) => {
  const clock = steppingClock();
  const fired: string[] = [];
  clock.after(30, () => fired.push(`late@${clock.now()}`));
  const cancel = clock.after(10, () => fired.push(`cancelled@${clock.now()}`));
  clock.after(20, () => fired.push(`early@${clock.now()}`));
  cancel();
  cancel();
  await clock.sleep(40);
  t.same(fired, ["early@20", "late@30"]);
  t.equal(clock.now(), 40);
});
