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
  bind: {
    summary: "Hand a device to a driver (vfio-pci, uio_pci_generic, ...), verified and journaled",
    load: () => import("./commands/bind.js"),
  },
  restore: {
    summary: "Give a device back to its kernel driver, override cleared, verified",
    load: () => import("./commands/restore.js"),
  },
  ops: {
    summary: "List the driver operations in the journal",
    load: () => import("./commands/ops.js"),
  },
};
