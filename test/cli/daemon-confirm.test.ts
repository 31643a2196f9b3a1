/**
 * bind --try, confirm, and the pending confirmations in ops and status,
 * through a real gRPC server on a temp socket (issue 16). The countdown
 * runs on a clock the test advances: no wall-clock waits.
 */
import t from "tap";
import type { Clock } from "../../src/common/clock.js";
import type { BindRequest } from "../../src/server/core-types.js";
import { T0 } from "../server/fake-core.js";
import { until } from "../server/harness.js";
import { cli, startDaemon } from "./daemon-support.js";

/** Wall time that moves only when the test says so. */
function manualClock(startMs: number) {
  let now = startMs;
  let sleepers: { due: number; wake: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    isoNow: () => new Date(now).toISOString(),
    after: (ms, fire) => {
      const sleeper = { due: now + ms, wake: fire };
      sleepers.push(sleeper);
      return () => {
        sleepers = sleepers.filter((s) => s !== sleeper);
      };
    },
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const sleeper = { due: now + ms, wake: () => resolve() };
        sleepers.push(sleeper);
        signal?.addEventListener("abort", () => {
          sleepers = sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        });
      }),
  };
  const advance = (ms: number): void => {
    now += ms;
    const due = sleepers.filter((s) => s.due <= now);
    sleepers = sleepers.filter((s) => s.due > now);
    for (const s of due) s.wake();
  };
  return { clock, advance, sleeping: () => sleepers.length };
}

const DEADLINE = new Date(T0.getTime() + 42 + 60_000).toISOString();

t.test(
  "bind --try sends the window and prints how to confirm (no terminal: no countdown)",
  async (t) => {
    const d = await startDaemon(t);
    const out = await d.run(["bind", "ens6", "vfio-pci", "--try", "60s"]);
    t.equal(out.code, 0, out.stderr);
    t.match(d.core.calls("bindDevice")[0]!.args[0] as BindRequest, { confirmWithinMs: 60_000 });
    t.match(out.stdout, /bound to vfio-pci .*operation op-1/);
    t.match(
      out.stdout,
      `0000:00:06.0: on trial until ${DEADLINE}: confirm with\n    eni-agent confirm op-1\n`,
    );
    t.notMatch(out.stdout, /left to confirm/, "no countdown on a pipe");
  },
);

t.test("bind --try --json carries the deadline, and counts nothing down", async (t) => {
  const d = await startDaemon(t);
  const out = await d.run(["bind", "ens6", "vfio-pci", "--try", "1m", "--json"], {
    stdoutTty: true,
  });
  t.equal(out.code, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  t.match(doc.operation, {
    status: "awaiting_confirmation",
    confirmation: { deadline: DEADLINE, state: "pending", by: null },
  });
});

t.test("--try bounds and --offline are refused before anything is sent", async (t) => {
  const d = await startDaemon(t);
  for (const bad of ["0.5s", "25h", "soon", "1.0005s", "-5s"]) {
    const out = await d.run(["bind", "ens6", "vfio-pci", `--try=${bad}`]);
    t.equal(out.code, 2, `${bad}: usage error`);
    t.match(out.stderr, /--try .*not a duration from 1s to 24h/, bad);
  }
  const offline = await cli(["bind", "ens6", "vfio-pci", "--try", "60s", "--offline"]);
  t.equal(offline.code, 2);
  t.match(offline.stderr, /--try needs the daemon/);
  t.equal(d.core.calls("bindDevice").length, 0);
});

t.test("on a terminal: counts down, and ends when the bind is confirmed", async (t) => {
  const d = await startDaemon(t);
  const time = manualClock(T0.getTime() + 42);
  let seen = "";
  const run = d.run(["bind", "ens6", "vfio-pci", "--try", "60s"], {
    stdoutTty: true,
    clock: time.clock,
    onStdout: (text) => {
      seen = text;
    },
  });
  await until(() => seen.includes("1m left to confirm"), "the countdown");
  await until(() => time.sleeping() === 1, "the countdown to sleep");
  time.advance(1_000);
  await until(() => seen.includes("59s left to confirm: eni-agent confirm op-1"), "a second less");
  const confirmed = await d.run(["confirm", "op-1"]);
  t.equal(confirmed.code, 0, confirmed.stderr);
  t.match(confirmed.stdout, /^0000:00:06\.0: operation op-1 confirmed \(bound to vfio-pci\)/);
  d.core.emit({
    kind: "confirmed",
    operationId: "op-1",
    pciAddress: "0000:00:06.0" as never,
    by: "request",
  });
  const out = await run;
  t.equal(out.code, 0, out.stderr);
  t.match(out.stdout, /0000:00:06\.0: confirmed \(request\); the binding is final\n$/);
});

t.test("on a terminal: a revert ends the countdown with exit 1", async (t) => {
  const d = await startDaemon(t);
  const time = manualClock(T0.getTime() + 42);
  let seen = "";
  const run = d.run(["bind", "ens6", "vfio-pci", "--try", "2s"], {
    stdoutTty: true,
    clock: time.clock,
    onStdout: (text) => {
      seen = text;
    },
  });
  await until(() => seen.includes("2s left") && time.sleeping() === 1, "the countdown");
  time.advance(2_000);
  await until(() => seen.includes("0s (reverting)"), "the deadline");
  d.core.emit({
    kind: "reverted_unconfirmed",
    operationId: "op-1",
    pciAddress: "0000:00:06.0" as never,
    deadline: new Date(T0.getTime() + 2_042),
    revertOperationId: "op-2",
    revertStatus: "succeeded",
  });
  const out = await run;
  t.equal(out.code, 1);
  t.match(
    out.stdout,
    /not confirmed by .*: operation op-2 restored it to its kernel driver, verified\n$/,
  );
});

t.test("confirm: errors keep their exit codes", async (t) => {
  const d = await startDaemon(t);
  const missing = await d.run(["confirm", "op-404"]);
  t.equal(missing.code, 3);
  await d.run(["bind", "ens6", "vfio-pci"]);
  const plain = await d.run(["confirm", "op-1"]);
  t.equal(plain.code, 4);
  t.match(plain.stderr, /awaits no confirmation/);
  t.equal((await d.run(["confirm"])).code, 2);
});

t.test("ops and status show what awaits confirmation", async (t) => {
  const d = await startDaemon(t);
  await d.run(["bind", "ens6", "vfio-pci", "--try", "60s"]);
  const ops = await d.run(["ops"]);
  t.equal(ops.code, 0, ops.stderr);
  t.match(ops.stdout, /awaiting_confirmation/);
  t.match(
    ops.stdout,
    `awaiting confirmation:\n  op-1 (0000:00:06.0): awaits confirmation until ${DEADLINE}: eni-agent confirm op-1\n`,
  );
  const one = await d.run(["ops", "op-1"]);
  t.match(one.stdout, `Confirm:    awaits confirmation until ${DEADLINE}`);
  const status = await d.run(["status"]);
  t.equal(status.code, 0, status.stderr);
  t.match(
    status.stdout,
    `0000:00:06.0: bound to vfio-pci on trial until ${DEADLINE}: eni-agent confirm op-1\n`,
  );
  const json = JSON.parse((await d.run(["status", "--json"])).stdout);
  t.same(json.pendingConfirmations, [
    { operationId: "op-1", pciAddress: "0000:00:06.0", toDriver: "vfio-pci", deadline: DEADLINE },
  ]);
});
