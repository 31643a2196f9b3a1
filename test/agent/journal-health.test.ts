/**
 * Journal trouble is visible where people look (#17): health (and the gRPC
 * health service), ListOperations' notes, the operations' statuses. Not only
 * in the log.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import t from "tap";
import { computeHealth } from "../../src/agent/agent-health.js";
import { connectAgent } from "../../src/client/client.js";
import type { DriverName, PciAddress } from "../../src/common/index.js";
import { MemoryJournal } from "../../src/driver/memory-journal.js";
import { ec2Host } from "../../src/sim/index.js";
import { endLineOf, engineOn, flipBit } from "../driver/journal-fixtures.js";
import { agentHarness, tempDir } from "./harness.js";

const A = "0000:00:06.0" as PciAddress;
const NO_ISSUES = { skipped: [], unwritten: [], refused: [] };
const IMDS_OFF = {
  enabled: false,
  reachable: false,
  lastSuccessAt: null,
  lastError: "",
  consecutiveErrors: 0,
};

t.test(
  "an unwritten end record makes the journal NOT_SERVING until it is written (#17)",
  async (t) => {
    const base = {
      recovered: true,
      stopping: false,
      journalError: null,
      imds: IMDS_OFF,
      watcher: null,
      configError: null,
      bootBindingsDone: true,
    };
    t.equal(computeHealth({ ...base, journalIssues: NO_ISSUES }).serving, true);
    const unwritten = computeHealth({
      ...base,
      journalIssues: {
        ...NO_ISSUES,
        unwritten: [{ operationId: "op-1", device: A, error: "journal append: ENOSPC" }],
      },
    });
    t.equal(unwritten.serving, false);
    t.match(unwritten.components[0], {
      name: "journal",
      healthy: false,
      detail:
        /end record of operation op-1 \(0000:00:06.0\) not written: journal append: ENOSPC; retrying/,
    });
    const skipped = computeHealth({
      ...base,
      journalIssues: {
        ...NO_ISSUES,
        skipped: [{ line: 3, kind: "checksum", detail: "checksum mismatch: record corrupted" }],
      },
    });
    t.equal(skipped.serving, true, "a skipped record leaves the agent serving");
    t.match(skipped.components[0], {
      healthy: true,
      detail: /journal line 3 skipped at start-up: checksum/,
    });
  },
);

t.test("journal corruption shows in health and in ops, not only in the log (#17)", async (t) => {
  // A committed history whose second bind lost its end record to a flipped bit.
  const kernel = ec2Host();
  const memory = new MemoryJournal();
  const engine = engineOn(kernel, memory);
  await engine.recover();
  await engine.bind(A, "uio_pci_generic" as DriverName);
  const second = await engine.bind(A, "vfio-pci" as DriverName);
  await engine.restore(A);
  const damaged = flipBit(memory.text(), endLineOf(memory.text(), second.operationId!));
  const dir = await tempDir(t);
  await mkdir(join(dir, "state"), { recursive: true, mode: 0o700 });
  await writeFile(join(dir, "state", "journal.log"), damaged, { mode: 0o600 });

  const h = await agentHarness(t, { dir, kernel });
  t.equal(kernel.device(A)?.driver, "ena", "the later restore stands");
  const journal = h.agent.core.health().components.find((c) => c.name === "journal");
  t.match(journal, { healthy: true, detail: /journal line 4 skipped at start-up: checksum/ });

  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const page = await client.listOperations({});
  t.match(page.journalNotes, [/journal line 4 skipped/]);
  const op = await client.getOperation(second.operationId!);
  t.equal(op.status, "OPERATION_STATUS_SUPERSEDED");
  const report = await client.getHostReport();
  t.match(report.journal, { healthy: true, detail: /line 4 skipped/ });
});
