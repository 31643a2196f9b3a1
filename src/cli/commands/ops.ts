/**
 * `eni-agent ops`: the operation journal, newest last. Read-only: it never
 * resolves or rewrites anything, so it runs next to the daemon and as any
 * user who can read the state directory.
 */
import { FileJournal, foldJournal, type OperationView } from "../../driver/index.js";
import { parsePciAddress } from "../../sysfs/index.js";
import type { CliIo } from "../command.js";
import { EXIT_OK } from "../exit-codes.js";
import { parseFlags, usage } from "../flags.js";
import { DEFAULT_STATE_DIR, loadConfig } from "./driver-offline.js";

export const HELP = `NAME
    eni-agent ops - list the driver operations in the journal

SYNOPSIS
    eni-agent ops [--json] [--limit N] [--device BDF] [--state-dir DIR] [--config FILE]

DESCRIPTION
    Prints the operations eni-agent journaled (bind, restore, repair, drift),
    oldest first: id, start time, kind, device, driver, status, and for a
    failed one the error. Status is one of:

      committed        the device verifiably reached the target
      rolled_back      a step failed; the device verifiably is as it was
      rollback_failed  the way back failed too: the device is DEGRADED, and
                       the daemon keeps repairing it; the exact observed
                       state is in the journal (--json shows it)
      running          under way (or the agent died during it: the next
                       start resolves it before anything else)
      stuck            a write is blocked in the kernel; resolved when it
                       returns

    Damaged journal records (a torn last write, a bad checksum) are listed
    as notes on standard error; they never stop the agent.

OPTIONS
    --json             One JSON document: { "operations": [...], "problems": [...] }.
    --limit N          Only the last N operations.
    --device BDF       Only operations of this PCI address.
    --state-dir DIR    State directory (default /var/lib/eni-agent).
    --config FILE      JSON configuration (its "stateDir" is used).
    -h, --help         Show this help.

EXIT STATUS
    0   the journal was read (also when it is empty or absent)
    2   usage error
    5   permission denied reading the state directory

EXAMPLES
    eni-agent ops --limit 20
    eni-agent ops --json | jq '.operations[] | select(.status == "rollback_failed")'
`;

const FLAGS = {
  json: { type: "boolean" },
  limit: { type: "string" },
  device: { type: "string" },
  "state-dir": { type: "string" },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("ops", argv, FLAGS);
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0)
    throw usage("ops", `unexpected argument ${JSON.stringify(positionals[0])}`);
  const limit = values.limit === undefined ? null : Number(values.limit);
  if (limit !== null && (!Number.isInteger(limit) || limit < 1)) {
    throw usage("ops", "--limit needs a positive integer");
  }
  const config = await loadConfig(values);
  const stateDir = values["state-dir"] ?? config.stateDir ?? DEFAULT_STATE_DIR;
  const loaded = await new FileJournal({ stateDir }).load();
  let ops = foldJournal(loaded.records);
  if (values.device !== undefined) {
    const device = parsePciAddress(values.device);
    ops = ops.filter((o) => o.header.device === device);
  }
  if (limit !== null) ops = ops.slice(-limit);
  if (values.json) {
    const operations = ops.map((o) => ({
      ...o.header,
      status: o.status,
      endedAt: o.endedAt,
      observed: o.observed,
      error: o.error,
    }));
    io.stdout.write(`${JSON.stringify({ operations, problems: loaded.problems }, null, 2)}\n`);
    return EXIT_OK;
  }
  for (const p of loaded.problems)
    io.stderr.write(`note: journal line ${p.line}: ${p.kind}: ${p.detail}\n`);
  io.stdout.write(renderOps(ops));
  return EXIT_OK;
}

export function renderOps(ops: readonly OperationView[]): string {
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
  });
  return out;
}
