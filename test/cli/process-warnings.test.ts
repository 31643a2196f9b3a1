/**
 * processWarnings takes the process's warnings from node's printer for as
 * long as the daemon runs and gives them back at its stop.
 */
import t from "tap";
import {
  type ProcessWarning,
  processWarnings,
  toProcessWarning,
} from "../../src/cli/process-warnings.js";

t.test("warnings reach the handler, not node's printer, until stopped", async (t) => {
  const before = process.listeners("warning");
  const seen: ProcessWarning[] = [];
  const stop = processWarnings.onWarning((w) => seen.push(w));
  t.equal(process.listeners("warning").length, 1, "node's printer is detached");
  t.notOk(
    before.some((listener) => process.listeners("warning").includes(listener)),
    "none of the earlier listeners remains",
  );

  process.emitWarning("an example\nover two lines", { type: "ExampleWarning", code: "EX_1" });
  await new Promise((resolve) => setImmediate(resolve));
  t.same(seen, [{ name: "ExampleWarning", code: "EX_1", message: "an example over two lines" }]);

  stop();
  t.same(process.listeners("warning"), before, "the earlier listeners are back");
});

t.test("a warning without a code", async (t) => {
  t.same(toProcessWarning(new Error("  plain  ")), { name: "Error", code: null, message: "plain" });
});
