import t from "tap";
import { releasePlanSettings } from "../../src/aws/release-plan/index.js";

t.test("defaults fill in what is not set", async (t) => {
  const settings = releasePlanSettings({ dpdkGraceMs: 0, mode: "detach" });
  t.match(settings, {
    mode: "detach",
    dpdkGraceMs: 0,
    concurrency: 4,
    restoreConcurrency: 8,
    trustDeleteOnTermination: true,
  });
});

t.test("concurrencies must be integers of at least one", async (t) => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => releasePlanSettings({ concurrency: bad }), RangeError, String(bad));
    t.throws(() => releasePlanSettings({ restoreConcurrency: bad }), RangeError, String(bad));
  }
});
