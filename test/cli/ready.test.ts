/**
 * `eni-agent ready`, the unit's ExecStartPost (issue 11): ready means the
 * daemon serves and its "startup" health component is healthy; --wait asks
 * again while the daemon is not there yet or still starting, on a clock the
 * test steps.
 */
import { join } from "node:path";
import t from "tap";
import { type Readiness, waitReady } from "../../src/cli/commands/ready.js";
import { AgentError } from "../../src/common/index.js";
import { cli, startDaemon } from "./daemon-support.js";

/** A clock that moves only when the command sleeps. */
function steppedClock() {
  let now = 0;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
}

const noSocket = new AgentError("UNAVAILABLE", "no daemon", {
  syscall: "connect",
  errno: "ENOENT",
});
const starting: Readiness = { ready: false, error: new AgentError("UNAVAILABLE", "starting") };

t.test("waits through 'no socket yet' and 'starting' until ready", async (t) => {
  const answers: Readiness[] = [{ ready: false, error: noSocket }, starting, { ready: true }];
  const clock = steppedClock();
  const result = await waitReady(async () => answers.shift()!, {
    waitMs: 5_000,
    pollMs: 200,
    ...clock,
  });
  t.match(result, { ready: true, waitedMs: 400 });
  t.same(clock.slept, [200, 200]);
});

t.test("gives up at the deadline, and at once on an error waiting cannot fix", async (t) => {
  const clock = steppedClock();
  const late = await waitReady(async () => starting, { waitMs: 500, pollMs: 200, ...clock });
  t.match(late, { ready: false, waitedMs: 500 });
  t.same(clock.slept, [200, 200, 100], "the last sleep ends at the deadline");

  const denied = new AgentError("UNAVAILABLE", "no access", {
    syscall: "connect",
    errno: "EACCES",
  });
  const other = steppedClock();
  const refused = await waitReady(async () => ({ ready: false, error: denied }), {
    waitMs: 5_000,
    pollMs: 200,
    ...other,
  });
  t.match(refused, { ready: false, waitedMs: 0 });
  t.same(other.slept, []);
});

t.test("ready answers from the daemon's health: serving and startup", async (t) => {
  const d = await startDaemon(t);
  const health = (startup: boolean) => ({
    serving: true,
    components: [
      { name: "journal", healthy: true, detail: "" },
      { name: "startup", healthy: startup, detail: startup ? "" : "applying desired bindings" },
    ],
  });
  d.core.setHealth(health(false));
  const early = await d.run(["ready", "--json"]);
  t.equal(early.code, 6, "answers but not ready: exit 6");
  t.match(JSON.parse(early.stdout), {
    error: { code: "UNAVAILABLE", message: /applying desired bindings/ },
    exitCode: 6,
  });

  d.core.setHealth(health(true));
  const ready = await d.run(["ready"]);
  t.equal(ready.code, 0, ready.stderr);
  t.match(ready.stdout, /: ready\n$/);

  d.core.setHealth({ serving: true, components: [{ name: "journal", healthy: true, detail: "" }] });
  const old = await d.run(["ready"]);
  t.equal(old.code, 4, "a daemon without the startup component is named as too old");
  t.match(old.stderr, /older than this command/);
});

t.test("no daemon: exit 8 at once without --wait; bad --wait is a usage error", async (t) => {
  const socket = join(t.testdir({}), "none.sock");
  t.equal((await cli(["ready", "--socket", socket])).code, 8);
  const bad = await cli(["ready", "--wait", "soon", "--socket", socket]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--wait needs a number of seconds/);
});
