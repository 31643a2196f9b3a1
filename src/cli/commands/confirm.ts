/** `eni-agent confirm OPERATION`: makes a bind on trial (bind --try) final. */
import type { CliIo } from "../command.js";
import { CONNECTION_FLAGS, connectionHelp, connectionOf } from "../daemon/connection-flags.js";
import { withDaemon } from "../daemon/open-daemon.js";
import { JSON_SCHEMA_VERSION, operationJson } from "../daemon/to-json.js";
import { COMMON_EXIT_LINES, EXIT_OK } from "../exit-codes.js";
import { exactArguments, parseFlags } from "../flags.js";

export const HELP = `NAME
    eni-agent confirm - make a bind on trial final

SYNOPSIS
    eni-agent confirm OPERATION [--json] [--socket PATH | --address HOST:PORT ...]
                      [--timeout SECONDS]

DESCRIPTION
    Asks the daemon (ConfirmOperation) to confirm OPERATION, a bind made
    with 'eni-agent bind DEVICE DRIVER --try DURATION'. A bind on trial that
    is not confirmed by its deadline is reverted: the daemon restores the
    device to its kernel driver with the same verified transaction as
    'eni-agent restore', and records why. Once confirmed, it is an ordinary
    binding.

    Confirming an operation that is confirmed already succeeds again.
    'eni-agent ops' and 'eni-agent status' show the binds that await
    confirmation, with their deadlines.

OPTIONS
${connectionHelp(10)}

JSON
    {"version": 1, "operation": OPERATION} (docs/cli.md); its
    "confirmation" is {"deadline", "state": "confirmed", "by", "updatedAt"}.

EXIT STATUS
    0   the bind is confirmed (now or before)
    3   no such operation
    4   the operation awaits no confirmation: it was no bind on trial, did
        not commit, was reverted (its deadline passed), or a later operation
        on its device ended the wait; the message says which
    6   the daemon's journal refused the record: retry before the deadline
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent bind ens6 vfio-pci --try 60s
    eni-agent confirm op-6f1c2e0a-6c4b-4b87-9d0e-0c3f1d5e9a21
`;

const FLAGS = { ...CONNECTION_FLAGS } as const;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("confirm", argv, FLAGS);
  const [operationId] = exactArguments("confirm", positionals, 1, "one operation id");
  const { endpoint, timeoutMs } = connectionOf("confirm", values, io, 10);
  const op = await withDaemon(endpoint, { timeoutMs }, async (client) =>
    operationJson(await client.confirmOperation(operationId!, { signal: io.signal })),
  );
  io.stdout.write(
    values.json
      ? `${JSON.stringify({ version: JSON_SCHEMA_VERSION, operation: op }, null, 2)}\n`
      : `${op.pciAddress ?? "-"}: operation ${op.id} confirmed (bound to ${op.toDriver ?? "-"}); it will not be reverted\n`,
  );
  return EXIT_OK;
}
