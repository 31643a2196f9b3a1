import t from "tap";
import { AgentError, type PciAddress } from "../../src/common/index.js";
import { realClock, steppingClock } from "../../src/driver/clock.js";
import { WriteGate } from "../../src/driver/write-gate.js";
import type { Sysfs } from "../../src/sysfs/index.js";

const device = "0000:00:06.0" as PciAddress;

/** A port whose writes to "block" paths wait until released. */
function blockingSysfs() {
  const releases: (() => void)[] = [];
  const written: string[] = [];
  const sysfs: Sysfs = {
    description: "test",
    read: async () => "",
    readlink: async () => "",
    list: async () => [],
    exists: async () => true,
    write: async (path) => {
      written.push(path);
      if (path.startsWith("block")) await new Promise<void>((r) => releases.push(r));
      if (path.startsWith("fail")) {
        throw new AgentError("FAILED_PRECONDITION", "write: ENODEV", { errno: "ENODEV" });
      }
    },
  };
  return { sysfs, releases, written };
}

t.test("a write that returns in time is done; an errno passes through", async (t) => {
  const { sysfs } = blockingSysfs();
  const gate = new WriteGate(
    { sysfs, clock: steppingClock() },
    { timeoutMs: 1000, maxInFlight: 2 },
  );
  t.same(await gate.write({ device, path: "ok", data: "x" }), { kind: "done" });
  await t.rejects(gate.write({ device, path: "fail", data: "x" }), {
    code: "FAILED_PRECONDITION",
    errno: "ENODEV",
  });
  t.equal(gate.inFlight, 0);
});

t.test(
  "a blocked write is reported stuck at the deadline and keeps its slot until it returns",
  async (t) => {
    const { sysfs, releases } = blockingSysfs();
    const gate = new WriteGate(
      { sysfs, clock: steppingClock() },
      { timeoutMs: 1000, maxInFlight: 1 },
    );
    const result = await gate.write({ device, path: "block/unbind", data: "x" });
    t.equal(result.kind, "stuck");
    if (result.kind !== "stuck") return;
    t.equal(result.error.code, "DEADLINE_EXCEEDED");
    t.equal(result.error.path, "block/unbind");
    t.equal(gate.inFlight, 1);
    // The only slot is taken by the stuck write: the next write cannot start.
    await t.rejects(gate.write({ device, path: "ok", data: "x" }), {
      code: "DEADLINE_EXCEEDED",
      message: /not started/,
    });
    releases[0]!();
    t.equal(await result.settled, null);
    t.equal(gate.inFlight, 0);
    t.same(await gate.write({ device, path: "ok", data: "x" }), { kind: "done" });
  },
);

t.test("queued writes start when a slot frees, within their deadline", async (t) => {
  const { sysfs, releases, written } = blockingSysfs();
  // Real time with a generous deadline: the release below comes long before it.
  const gate = new WriteGate({ sysfs, clock: realClock }, { timeoutMs: 60_000, maxInFlight: 1 });
  const first = gate.write({ device, path: "block/1", data: "x" });
  const second = gate.write({ device, path: "ok/2", data: "x" });
  await new Promise((r) => setImmediate(r));
  t.same(written, ["block/1"]);
  releases[0]!();
  t.same(await first, { kind: "done" });
  t.same(await second, { kind: "done" });
  t.same(written, ["block/1", "ok/2"]);
});
