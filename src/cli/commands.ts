/**
 * The command table. Adding a command is one entry here plus its module under
 * commands/ exporting `run(argv, io)` and `HELP`; the import stays lazy so
 * that each command loads only what it uses (status without a daemon never
 * loads gRPC).
 */
import type { CommandSpec } from "./command.js";

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  status: {
    summary: "List ENA devices: from the daemon, or from sysfs when none answers",
    load: () => import("./commands/status.js"),
  },
  get: {
    summary: "Show one device in detail: identity, driver, state, NUMA, IOMMU, last operation",
    load: () => import("./commands/get.js"),
  },
  bind: {
    summary: "Hand a device to a driver (vfio-pci, uio_pci_generic, ...), verified and journaled",
    load: () => import("./commands/bind.js"),
  },
  restore: {
    summary: "Give a device back to its kernel driver, override cleared, verified",
    load: () => import("./commands/restore.js"),
  },
  confirm: {
    summary: "Make a bind on trial (bind --try) final, so it is not reverted",
    load: () => import("./commands/confirm.js"),
  },
  ops: {
    summary: "List operations, or show one with its steps",
    load: () => import("./commands/ops.js"),
  },
  watch: {
    summary: "Stream the daemon's events until Ctrl-C",
    load: () => import("./commands/watch.js"),
  },
  doctor: {
    summary: "Check whether this host can run DPDK on its ENA devices, with remedies",
    load: () => import("./commands/doctor.js"),
  },
  drain: {
    summary: "Prepare for termination: restore every device, release owned ENIs",
    load: () => import("./commands/drain.js"),
  },
  serve: {
    summary: "Run the daemon (--simulate: on a simulated EC2 host, no root needed)",
    load: () => import("./commands/serve.js"),
  },
  sim: {
    summary: "Script the simulated host of serve --simulate: announce a termination notice",
    load: () => import("./commands/sim.js"),
  },
  ready: {
    summary: "Wait until the daemon serves and its boot-time bindings are done (ExecStartPost)",
    load: () => import("./commands/ready.js"),
  },
  version: {
    summary: "Print this command's version and the daemon's health",
    load: () => import("./commands/version.js"),
  },
};
