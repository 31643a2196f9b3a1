/**
 * Who asked for an operation travels with the request and is journaled with
 * the operation (#14): an operation the agent starts on its own while a
 * caller waits is never recorded as the caller's, the caller's own operation
 * carries the caller's identity and persist, and both survive a restart.
 */
import t from "tap";
import { OperationRecords } from "../../src/agent/operation-records.js";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { MemoryJournal } from "../../src/driver/memory-journal.js";
import type { CallContext } from "../../src/server/agent-core.js";
import { ec2Host, ec2Mac } from "../../src/sim/index.js";
import { engineOn, forgedBegin, forgedHeader } from "../driver/journal-fixtures.js";
import { agentHarness, tempDir } from "./harness.js";

const A = "0000:00:06.0" as PciAddress;
const VFIO = "vfio-pci" as DriverName;

function callerContext(identity: string): CallContext {
  return {
    signal: new AbortController().signal,
    caller: { listener: "unix", identity, access: "write" },
  };
}

t.test(
  "a caller that joins the start-up pass's bind is not recorded as its requester (#14)",
  async (t) => {
    const dir = await tempDir(t);
    const config = { bindings: [{ mac: ec2Mac(6), driver: "vfio-pci" }] };
    const h = await agentHarness(t, { dir, start: false, config });
    const core = h.agent.core;
    await core.recover();

    // A's driver_override is read twice by the start-up pass: resolving the
    // binding's MAC (outside the device lock), then preparing the bind
    // (under it). Holding the second read holds the pass inside the lock,
    // before its operation begins.
    const held = h.host.kernel.faults.add({
      operation: "read",
      path: `bus/pci/devices/${A}/driver_override`,
      nth: 2,
      action: { kind: "block" },
    });
    core.applyDesired();
    await held.whenFired();

    const alice = callerContext("unix:alice");
    const call = core.bindDevice(
      {
        selector: { by: "pci", pciAddress: A },
        driver: VFIO,
        force: false,
        dryRun: false,
        persist: false,
        confirmWithinMs: null,
      },
      alice,
    );
    // The caller's request joins the running one without any I/O of its own.
    await new Promise((resolve) => setImmediate(resolve));
    held.release();
    const joined = await call;

    t.equal(joined.kind, "reapply", "the operation is the start-up pass's");
    t.equal(joined.requestedBy, null, "the agent asked for it, not alice");
    t.equal(joined.persist, false);
    t.equal(h.host.kernel.device(A)?.driver, "vfio-pci");

    const own = await core.restoreDevice(
      { selector: { by: "pci", pciAddress: A }, force: false, dryRun: false, persist: true },
      alice,
    );
    t.match(own, {
      kind: "restore",
      requestedBy: "unix:alice",
      persist: true,
      status: "succeeded",
    });
    t.same(await core.getOperation(own.id, alice), own, "GetOperation shows the same record");

    // Journaled with the operations: a restarted agent shows the same.
    await h.agent.stop();
    const again = await agentHarness(t, { dir, start: false, config });
    await again.agent.core.recover();
    t.match(await again.agent.core.getOperation(joined.id, alice), {
      kind: "reapply",
      requestedBy: null,
    });
    t.match(await again.agent.core.getOperation(own.id, alice), {
      kind: "restore",
      requestedBy: "unix:alice",
      persist: true,
    });
  },
);

t.test(
  "a begin record without a request (an older agent's) loads as the agent's own",
  async (t) => {
    const kernel = ec2Host();
    // What an agent before #14 journaled: a header with no request.
    const old = forgedHeader(
      A,
      "op-old",
      { driver: "ena", override: null },
      { driver: "ena", override: null },
    );
    t.equal("request" in old, false);
    const journal = new MemoryJournal(forgedBegin(old));
    const engine = engineOn(kernel, journal);
    const report = await engine.recover();
    t.match(report.resolved, [{ operationId: "op-old", status: "committed" }], "recovered");
    const record = new OperationRecords(engine).get("op-old");
    t.match(record, { kind: "bind", requestedBy: null, persist: false, status: "succeeded" });
  },
);

t.test(
  "RestoreDevice's force restores a device a process holds, once it lets go (#14)",
  async (t) => {
    const h = await agentHarness(t, { start: false });
    const core = h.agent.core;
    await core.recover();
    const bob = callerContext("unix:bob");
    const selector = { by: "pci" as const, pciAddress: A };
    await core.bindDevice(
      {
        selector,
        driver: VFIO,
        force: false,
        dryRun: false,
        persist: false,
        confirmWithinMs: null,
      },
      bob,
    );
    const kernel = h.host.kernel;
    const dpdk = kernel.spawn("dpdk-testpmd");
    dpdk.open("/dev/vfio/noiommu-0");
    const fd = dpdk.openVfioDevice(A);

    const restore = { selector, dryRun: false, persist: false };
    await t.rejects(core.restoreDevice({ ...restore, force: false }, bob), {
      code: "FAILED_PRECONDITION",
      guard: "device-in-use",
    });
    const forced = core.restoreDevice({ ...restore, force: true }, bob);
    while (kernel.writeLog().at(-1)?.result !== "pending") {
      await new Promise((resolve) => setImmediate(resolve));
    }
    dpdk.close(fd);
    const record = await forced;
    t.match(record, {
      kind: "restore",
      status: "succeeded",
      force: true,
      requestedBy: "unix:bob",
    });
    t.same(record.overriddenGuards, ["device-in-use"]);
    const journaled = await core.getOperation(record.id, bob);
    t.same(journaled.overriddenGuards, ["device-in-use"], "journaled with the operation");
    t.equal(kernel.device(A)?.driver, "ena");
  },
);
