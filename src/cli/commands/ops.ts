/**
 * `eni-agent ops`: operations from the daemon (ListOperations, GetOperation),
 * or with --offline the journal read directly. Read-only either way: the
 * offline path never resolves or rewrites anything, so it runs next to the
 * daemon and as any user who can read the state directory.
 */
import { journaledRecord } from "../../agent/operation-records.js";
import { FileJournal, foldJournal, journalNotes, type OperationView } from "../../driver/index.js";
import { parsePciAddress } from "../../sysfs/index.js";
import type { CliIo } from "../command.js";
import { CONNECTION_FLAGS, connectionHelp, connectionOf } from "../daemon/connection-flags.js";
import { pciAddressOf } from "../daemon/device-selector.js";
import { withDaemon } from "../daemon/open-daemon.js";
import {
  describeConfirmation,
  renderOperationDetail,
  renderOperationTable,
} from "../daemon/render-operations.js";
import {
  JSON_SCHEMA_VERSION,
  type OperationJson,
  operationJson,
  recordJson,
} from "../daemon/to-json.js";
import { COMMON_EXIT_LINES, EXIT_OK } from "../exit-codes.js";
import { parseFlags, usage } from "../flags.js";
import { loadConfig, rejectOfflineFlags } from "./driver-offline.js";

export const HELP = `NAME
    eni-agent ops - list operations, or show one with its steps

SYNOPSIS
    eni-agent ops [--device DEVICE] [--limit N] [--json]
                  [--socket PATH | --address HOST:PORT ...] [--timeout SECONDS]
    eni-agent ops OPERATION-ID [--json] [--socket PATH | --address HOST:PORT ...]
    eni-agent ops --offline [--device BDF] [--limit N] [--json]
                  [--state-dir DIR] [--config FILE]

DESCRIPTION
    Without an id, asks the daemon (ListOperations) for the latest
    operations, newest first: id, start time, kind (bind, restore, repair,
    termination, reapply), device, drivers, status and how long it took;
    failed ones are followed by their error (code, message, guard, errno).

    With an id, asks for that operation (GetOperation) and prints every step
    with its status (done, failed, undone by the rollback, skipped), the
    sysfs attribute and value it writes, and the error with its remedy.

    Statuses: succeeded (target verified), rolled_back (a step failed; the
    device verifiably is as it was), failed (refused before changing
    anything), degraded (the way back failed too: the daemon keeps repairing
    the device), stuck (a write blocks in the kernel), running, pending,
    planned (a dry run), superseded (found open at start-up after a later
    operation on its device: closed, never resolved).

    What is wrong with the journal (records skipped at start-up, an end
    record not written yet, an operation recovery left open) is printed
    first, one "note:" line each on standard error.

    With --offline, reads the journal in the state directory directly
    (oldest first, the journal's own statuses: committed, rolled_back,
    rollback_failed, superseded, running, stuck). It only reads, so it may run next to
    the daemon. The connection options (--socket, --address, --tls-*,
    --timeout) mean nothing offline and are refused with it.

OPTIONS
    --device DEVICE    Only operations of this device (PCI address, or with
                       the daemon also a MAC, ENI id or interface name).
    --limit N          At most N operations (default 20; offline: all).
${connectionHelp(10)}

  Offline mode:
    --offline          Read the journal instead of asking the daemon.
    --state-dir DIR    State directory (default: stateDir of the configuration).
    --config FILE      The daemon's configuration file (default
                       /etc/eni-agent/config.json, if it exists).

JSON
    {"version": 1, "operations": [OPERATION...], "journalNotes": [TEXT...]}
    or, for one id, {"version": 1, "operation": OPERATION} (docs/cli.md);
    offline too (newest first there, statuses in the API's words).

EXIT STATUS
    0   the operations were listed (also when there are none)
    3   no such operation or device
    1   any other failure
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent ops --limit 5
    eni-agent ops op-1f3a9c
    eni-agent ops --device ens6 --json | jq '.operations[] | select(.status == "degraded")'
    eni-agent ops --offline --state-dir /var/lib/eni-agent
`;

const FLAGS = {
  ...CONNECTION_FLAGS,
  offline: { type: "boolean" },
  limit: { type: "string" },
  device: { type: "string" },
  "state-dir": { type: "string" },
  config: { type: "string" },
} as const;

type OpsValues = ReturnType<typeof parseFlags<typeof FLAGS>>["values"];

/** The largest page the daemon serves. */
const MAX_PAGE = 500;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("ops", argv, FLAGS);
  if (positionals.length > 1)
    throw usage("ops", `unexpected argument ${JSON.stringify(positionals[1])}`);
  const limit = values.limit === undefined ? null : Number(values.limit);
  if (limit !== null && (!/^\d+$/.test(values.limit ?? "") || limit < 1)) {
    throw usage("ops", "--limit needs a positive integer");
  }
  if (values.offline) {
    if (positionals.length > 0)
      throw usage("ops", "an operation id needs the daemon: drop --offline");
    const daemonOnly = [
      "timeout",
      "socket",
      "address",
      "tls-ca",
      "tls-cert",
      "tls-key",
      "tls-server-name",
    ] as const;
    for (const flag of daemonOnly) {
      if (values[flag] !== undefined)
        throw usage("ops", `--${flag} only applies through the daemon: drop it or --offline`);
    }
    return offlineOps(values, limit, io);
  }
  rejectOfflineFlags("ops", values, []);
  const { endpoint, timeoutMs } = connectionOf("ops", values, io, 10);
  const id = positionals[0];
  if (id !== undefined) {
    if (values.device !== undefined || limit !== null)
      throw usage("ops", "--device and --limit list operations: drop them, or drop the id");
    const op = await withDaemon(endpoint, { timeoutMs }, async (client) =>
      operationJson(await client.getOperation(id, { signal: io.signal })),
    );
    io.stdout.write(
      values.json
        ? `${JSON.stringify({ version: JSON_SCHEMA_VERSION, operation: op }, null, 2)}\n`
        : renderOperationDetail(op),
    );
    return EXIT_OK;
  }
  const { operations, notes } = await withDaemon(endpoint, { timeoutMs }, async (client) => {
    const signal = io.signal;
    const pciAddress =
      values.device === undefined
        ? ""
        : await pciAddressOf(values.device, (selector) => client.getDevice(selector, { signal }));
    const wanted = limit ?? 20;
    const out: OperationJson[] = [];
    let journalNotes: string[] = [];
    let pageToken = "";
    do {
      const page = await client.listOperations(
        { pciAddress, pageSize: Math.min(MAX_PAGE, wanted - out.length), pageToken },
        { signal },
      );
      out.push(...page.operations.map(operationJson));
      journalNotes = page.journalNotes;
      pageToken = page.nextPageToken;
    } while (pageToken !== "" && out.length < wanted);
    return { operations: out, notes: journalNotes };
  });
  if (values.json) {
    const doc = { version: JSON_SCHEMA_VERSION, operations, journalNotes: notes };
    io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return EXIT_OK;
  }
  for (const note of notes) io.stderr.write(`note: ${note}\n`);
  io.stdout.write(renderOperationTable(operations));
  return EXIT_OK;
}

/** The journal, read directly: oldest first, in the journal's own terms. */
async function offlineOps(values: OpsValues, limit: number | null, io: CliIo): Promise<number> {
  const config = await loadConfig(values);
  const stateDir = values["state-dir"] ?? config.stateDir;
  const loaded = await new FileJournal({ stateDir }).load();
  let ops = foldJournal(loaded.records);
  if (values.device !== undefined) {
    const device = parsePciAddress(values.device);
    ops = ops.filter((o) => o.header.device === device);
  }
  if (limit !== null) ops = ops.slice(-limit);
  if (values.json) {
    const doc = {
      version: JSON_SCHEMA_VERSION,
      operations: ops.map((o) => recordJson(journaledRecord(o))).reverse(),
      journalNotes: journalNotes({ skipped: loaded.problems, unwritten: [], refused: [] }),
    };
    io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return EXIT_OK;
  }
  for (const p of loaded.problems)
    io.stderr.write(`note: journal line ${p.line}: ${p.kind}: ${p.detail}\n`);
  io.stdout.write(renderOps(ops));
  return EXIT_OK;
}

function renderOps(ops: readonly OperationView[]): string {
  if (ops.length === 0) return "no operations\n";
  const rows = ops.map((o) => [
    o.header.id,
    o.header.startedAt,
    o.header.kind,
    o.header.device,
    o.header.driver ?? "-",
    o.status,
  ]);
  const head = ["OPERATION", "STARTED", "KIND", "DEVICE", "DRIVER", "STATUS"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd()}\n`;
  let out = line(head);
  ops.forEach((o, i) => {
    out += line(rows[i]!);
    if (o.error !== null) out += `    ${o.error.message}\n`;
    if (o.confirmation !== null)
      out += `    ${describeConfirmation(o.header.id, o.confirmation)}\n`;
  });
  return out;
}
