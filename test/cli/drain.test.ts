/** drain against a real gRPC server: the plan, progress from events, the summary, failures. */
import t from "tap";
import { AgentError, type EniId, type PciAddress } from "../../src/common/index.js";
import type { CallContext } from "../../src/server/agent-core.js";
import type { TerminationResult } from "../../src/server/core-types.js";
import { operation } from "../server/fake-core.js";
import { startDaemon } from "./daemon-support.js";

t.test("--dry-run prints the plan and changes nothing", async (t) => {
  const d = await startDaemon(t);
  const out = await d.run(["drain", "--dry-run"]);
  t.equal(out.code, 0, out.stderr);
  t.match(out.stdout, /^notice: manual terminate\nENI\s+DEVICE\s+ACTION\s+STATUS\s+REASON\n/);
  t.match(
    out.stdout,
    /\neni-0f95d3625f5c52106\s+0000:00:06\.0\s+restore_kernel_driver\s+planned\s+bound to vfio-pci\n/,
  );
  t.match(out.stdout, /\ndry run: 1 step\(s\) planned, nothing changed\n$/);
  t.same(d.core.calls("prepareTermination")[0]!.args[0], { dryRun: true });
  const doc = JSON.parse((await d.run(["drain", "--dry-run", "--json"])).stdout);
  t.same(Object.keys(doc), ["version", "dryRun", "plan", "operation"]);
  t.match(doc, {
    dryRun: true,
    operation: null,
    plan: {
      notice: { source: "manual", action: "terminate", deadline: null },
      steps: [
        { eniId: "eni-0f95d3625f5c52106", action: "restore_kernel_driver", status: "pending" },
      ],
    },
  });
});

t.test("drain shows the daemon's progress, then a summary", async (t) => {
  const d = await startDaemon(t);
  const run = d.core.prepareTermination.bind(d.core);
  d.core.prepareTermination = async (request: { dryRun: boolean }, ctx: CallContext) => {
    const result = await run(request, ctx);
    d.core.emit({ kind: "termination_planned", plan: result.plan });
    d.core.emit({
      kind: "operation_progress",
      operation: operation("op-r", { kind: "restore", status: "running" }),
    });
    d.core.emit({
      kind: "eni_released",
      eniId: "eni-0f95d3625f5c52106" as EniId,
      pciAddress: "0000:00:06.0" as PciAddress,
      action: "deleted",
    });
    // Let the events reach the client before the answer, as the daemon's work takes time.
    await new Promise((r) => setTimeout(r, 20));
    return result;
  };
  const out = await d.run(["drain"]);
  t.equal(out.code, 0, out.stderr);
  t.match(out.stderr, /termination_planned\s+1 step\(s\)\n/);
  t.match(out.stderr, /operation_progress\s+op-r restore 0000:00:06\.0 ena -> vfio-pci running\n/);
  t.match(out.stderr, /eni_released\s+eni-0f95d3625f5c52106 deleted \(0000:00:06\.0\)\n/);
  t.match(
    out.stdout,
    /\neni-0f95d3625f5c52106\s+0000:00:06\.0\s+restore_kernel_driver\s+done\s+bound to vfio-pci\n/,
  );
  t.match(out.stdout, /\ndrained: 1 step\(s\): 1 done; operation op-term\n$/);
  const doc = JSON.parse((await d.run(["drain", "--json"])).stdout);
  t.match(doc, {
    dryRun: false,
    operation: { id: "op-term", kind: "termination", pciAddress: null },
  });
});

t.test("a failed step: the termination operation's steps, the error, its exit code", async (t) => {
  const d = await startDaemon(t);
  d.core.operations = [
    operation("op-term", {
      kind: "termination",
      status: "failed",
      pciAddress: null,
      steps: [
        { description: "restore 0000:00:06.0 to ena", path: null, value: null, status: "failed" },
      ],
      error: { code: "FAILED_PRECONDITION", message: "testpmd[4242] holds /dev/vfio/noiommu-0" },
    }),
  ];
  d.core.failures.set(
    "prepareTermination",
    new AgentError("FAILED_PRECONDITION", "1 of 1 step(s) failed", { operationId: "op-term" }),
  );
  const out = await d.run(["drain"]);
  t.equal(out.code, 4);
  t.match(
    out.stderr,
    /termination operation op-term: failed\n {2}failed {3}restore 0000:00:06\.0 to ena\n {2}FAILED_PRECONDITION: testpmd\[4242\] holds/,
  );
  t.match(out.stderr, /eni-agent drain: 1 of 1 step\(s\) failed\n.*operation op-term/);
});

t.test("nothing to drain says so", async (t) => {
  const d = await startDaemon(t);
  d.core.prepareTermination = async (): Promise<TerminationResult> => ({
    plan: { notice: null, deadline: null, steps: [] },
    operation: null,
  });
  const out = await d.run(["drain"]);
  t.equal(out.code, 0);
  t.equal(out.stdout, "nothing to do: no device on a DPDK driver, no owned ENI\n");
});

t.test(
  "a device whose ENI is not known: no made-up id, on the wire or in print (#14)",
  async (t) => {
    const d = await startDaemon(t);
    d.core.prepareTermination = async (): Promise<TerminationResult> => ({
      plan: {
        notice: null,
        deadline: null,
        steps: [
          {
            eniId: null,
            pciAddress: "0000:00:07.0" as PciAddress,
            action: "restore_kernel_driver",
            reason: "bound to a DPDK driver",
            status: "pending",
          },
        ],
      },
      operation: null,
    });
    const wire = await d.client.prepareTermination({ dryRun: true });
    t.equal(wire.plan?.steps[0]?.eniId, undefined, "unset on the wire (an optional field)");
    const out = await d.run(["drain", "--dry-run"]);
    t.match(out.stdout, /\n-\s+0000:00:07\.0\s+restore_kernel_driver\s+planned\s+/);
    const doc = JSON.parse((await d.run(["drain", "--dry-run", "--json"])).stdout);
    t.equal(doc.plan.steps[0].eniId, null, "null in JSON");
  },
);
