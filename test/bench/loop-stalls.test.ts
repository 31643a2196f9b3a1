import t from "tap";
import { overlapsStall, watchLoopStalls } from "../../bench/support/loop-stalls.js";

t.test("a call overlaps a stall when their intervals intersect", async (t) => {
  const stalls = [
    { fromMs: 10, toMs: 15 },
    { fromMs: 40, toMs: 41 },
  ];
  t.notOk(overlapsStall(0, 10, stalls), "ends as the first stall begins");
  t.ok(overlapsStall(0, 11, stalls));
  t.ok(overlapsStall(12, 13, stalls), "inside a stall");
  t.ok(overlapsStall(14, 50, stalls));
  t.notOk(overlapsStall(15, 40, stalls), "between the two");
  t.ok(overlapsStall(5, 100, stalls), "spans both");
  t.notOk(overlapsStall(41, 60, stalls), "after the last");
  t.notOk(overlapsStall(0, 5, []), "no stalls");
});

t.test("a blocked event loop is recorded as a stall", async (t) => {
  const watch = watchLoopStalls(5);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const blockedFrom = performance.now();
  while (performance.now() - blockedFrom < 30) {
    // Hold the event loop, as a long garbage collection would.
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
  const stalls = watch.stop();
  t.ok(
    stalls.some((s) => s.toMs - s.fromMs >= 30 && s.fromMs <= blockedFrom + 1),
    `the 30 ms block is among ${JSON.stringify(stalls)}`,
  );
});
