import t from "tap";
import { mapLimit, TapWriter } from "./tap-writer.js";

t.test("TAP output counts, escapes and carries diagnostics", async (t) => {
  const lines: string[] = [];
  const tap = new TapWriter((l) => lines.push(l));
  tap.point(true, "viommu/smoke: bind #1");
  tap.point(false, "stock/smoke: bind", { detail: "EINVAL\nsecond" });
  tap.end("2 boots");
  t.equal(tap.passed, 1);
  t.equal(tap.failed, 1);
  t.same(lines, [
    "TAP version 13",
    "ok 1 - viommu/smoke: bind \\#1",
    "not ok 2 - stock/smoke: bind",
    "  ---",
    "  detail: |-",
    "    EINVAL",
    "    second",
    "  ...",
    "1..2",
    "# 1 passed, 1 failed (2 boots)",
  ]);
});

t.test("mapLimit never runs more than the limit at once and visits every item", async (t) => {
  let running = 0;
  let peak = 0;
  const seen: number[] = [];
  await mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setImmediate(r));
    seen.push(n);
    running--;
  });
  t.equal(peak, 2);
  t.same(seen.sort(), [1, 2, 3, 4, 5]);
});
