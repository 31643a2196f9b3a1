/**
 * The command table. Adding a command is one entry here plus its module under
 * commands/ exporting `run(argv, io)`; the import stays lazy so that each
 * command loads only what it uses.
 */
import type { CommandSpec } from "./command.js";

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  status: {
    summary: "Show PCI network devices, their drivers and interfaces (offline, read-only)",
    load: () => import("./commands/status.js"),
  },
};
