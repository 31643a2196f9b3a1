import t from "tap";
import { startRestores } from "../../src/aws/release-plan/execute-plan.js";
import type { RestoreStep } from "../../src/aws/release-plan/index.js";
import { AgentError } from "../../src/common/index.js";
import { sampleRecord } from "./release-fixture.js";

const DEVICES = ["0000:00:06.0", "0000:00:07.0", "0000:00:08.0", "0000:00:09.0"];
const bound = DEVICES.map((device) => ({ device, eniId: null }));

t.test("restores run a few at a time; back() says which devices returned", async (t) => {
  const record = sampleRecord({ bound });
  let active = 0;
  let most = 0;
  const updates: string[] = [];
  const run = startRestores(record, {
    concurrency: 2,
    signal: new AbortController().signal,
    restore: async (device) => {
      active += 1;
      most = Math.max(most, active);
      await new Promise((resolve) => setImmediate(resolve));
      active -= 1;
      if (device === DEVICES[2]) throw new AgentError("INTERNAL", "held", { device });
    },
    update: async (step: RestoreStep) => {
      updates.push(`${step.device}:${step.status}`);
    },
  });
  t.same(
    await Promise.all(DEVICES.map((d) => run.back(d))),
    [true, true, false, true],
    "the failed restore answers false",
  );
  await run.done;
  t.equal(most, 2, "never more than the concurrency at once");
  t.same(
    record.restores.map((r) => r.status),
    ["done", "done", "failed", "done"],
  );
  t.match(record.restores[2]?.error, { code: "INTERNAL", device: DEVICES[2] });
  t.equal(updates.length, 8, "running and its end, per device");
  t.equal(
    await run.back("0000:00:1f.0"),
    true,
    "a device the plan does not hold is not waited for",
  );
});

t.test("done steps are not restored again; a dry run restores nothing", async (t) => {
  const resumed = sampleRecord({ bound });
  for (const step of resumed.restores.slice(0, 3)) step.status = "done";
  const restored: string[] = [];
  const options = {
    concurrency: 8,
    signal: new AbortController().signal,
    restore: async (device: string) => {
      restored.push(device);
    },
    update: async () => {},
  };
  await startRestores(resumed, options).done;
  t.same(restored, [DEVICES[3]]);

  const dry = sampleRecord({ bound, dryRun: true });
  const run = startRestores(dry, options);
  await run.done;
  t.same(restored, [DEVICES[3]], "no restore in a dry run");
  t.same(
    dry.restores.map((r) => r.status),
    DEVICES.map(() => "dry-run"),
  );
  t.equal(await run.back(DEVICES[0] as string), true);
});
