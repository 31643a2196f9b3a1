import t from "tap";
import { hook, Lifecycle } from "../../src/agent/lifecycle-hooks.js";

function quietLog() {
  const lines: string[] = [];
  const put = (_f: object, m: string) => lines.push(m);
  return { lines, log: { info: put, warn: put, error: put } };
}

t.test("hooks start in order and stop in reverse; stop is idempotent", async (t) => {
  const calls: string[] = [];
  const { log } = quietLog();
  const life = new Lifecycle(log);
  for (const name of ["a", "b", "c"]) {
    life.add(
      hook(
        name,
        () => void calls.push(`start ${name}`),
        () => void calls.push(`stop ${name}`),
      ),
    );
  }
  await life.start();
  t.same(life.started(), ["a", "b", "c"]);
  await life.stop();
  await life.stop();
  t.same(calls, ["start a", "start b", "start c", "stop c", "stop b", "stop a"]);
});

t.test("a failed start stops what started (the failing hook too) and rethrows", async (t) => {
  const calls: string[] = [];
  const { log } = quietLog();
  const life = new Lifecycle(log)
    .add(
      hook(
        "a",
        () => void calls.push("start a"),
        () => void calls.push("stop a"),
      ),
    )
    .add(
      hook(
        "b",
        () => {
          calls.push("start b");
          throw new Error("port in use");
        },
        () => void calls.push("stop b"),
      ),
    )
    .add(
      hook(
        "c",
        () => void calls.push("start c"),
        () => void calls.push("stop c"),
      ),
    );
  await t.rejects(life.start(), { code: "INTERNAL", message: "b: port in use" });
  t.same(calls, ["start a", "start b", "stop b", "stop a"]);
  t.same(life.started(), []);
});

t.test("a start that outlives its timeout fails the start and sees its signal abort", async (t) => {
  const { log } = quietLog();
  let aborted = false;
  const life = new Lifecycle(log, { startTimeoutMs: 30 }).add(
    hook(
      "slow",
      (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            resolve();
          });
        }),
    ),
  );
  await t.rejects(life.start(), { code: "DEADLINE_EXCEEDED", message: /^slow: / });
  t.ok(aborted, "the hook's signal was aborted");
});

t.test("a stop that fails or hangs is logged and the others still stop", async (t) => {
  const calls: string[] = [];
  const { log, lines } = quietLog();
  const life = new Lifecycle(log, { stopTimeoutMs: 20 })
    .add(
      hook(
        "a",
        () => undefined,
        () => void calls.push("stop a"),
      ),
    )
    .add(
      hook(
        "hangs",
        () => undefined,
        () => new Promise<void>(() => undefined),
      ),
    )
    .add(
      hook(
        "fails",
        () => undefined,
        () => {
          throw new Error("boom");
        },
      ),
    );
  await life.start();
  await life.stop();
  t.same(calls, ["stop a"]);
  t.equal(lines.filter((l) => l === "stop failed").length, 2);
});
