/**
 * `eni-agent doctor`: can this host run DPDK on its ENA devices, and if not,
 * what to do. The daemon's report (GetHostReport) when a daemon answers;
 * otherwise a read-only preflight from sysfs and procfs, done here.
 */
import { AgentError } from "../../common/index.js";
import { RealDefaultRouteReader } from "../../sysfs/real-default-route-reader.js";
import { RealSysfs } from "../../sysfs/real-sysfs.js";
import type { CliIo } from "../command.js";
import {
  CONNECTION_FLAGS,
  connectionHelp,
  connectionOf,
  type Endpoint,
} from "../daemon/connection-flags.js";
import { fromDaemonOrLocal } from "../daemon/probe-daemon.js";
import { type Finding, localChecks, type Severity } from "../doctor/local-checks.js";
import { readLocalFacts } from "../doctor/local-facts.js";
import { renderDaemonFacts, renderFindings, renderLocalFacts } from "../doctor/render-doctor.js";
import { COMMON_EXIT_LINES, EXIT_OK, EXIT_PRECONDITION } from "../exit-codes.js";
import { noArguments, parseFlags, usage } from "../flags.js";

export const HELP = `NAME
    eni-agent doctor - check whether this host can run DPDK on its ENA devices

SYNOPSIS
    eni-agent doctor [--json] [--socket PATH | --address HOST:PORT ...]
                     [--timeout SECONDS]
    eni-agent doctor --offline [--json] [--sysfs-root DIR] [--proc-root DIR]

DESCRIPTION
    Prints findings, worst first, each as FAIL, WARN or OK with what was found
    and, where something can be done, a remedy; then the facts behind them.

    When a daemon answers, the findings are its preflight report
    (GetHostReport): modules, IOMMU and no-IOMMU mode, hugepages, the
    write-combining caveat, instance metadata, the termination watcher, the
    journal and devices that need attention.

    Otherwise (no socket, nobody listening, no access; said on standard
    error), or with --offline, doctor reads the host itself, read-only:

      kernel          the release (sys/kernel/osrelease under --proc-root);
                      no-IOMMU mode needs 4.5 or later
      dpdk-driver     a DPDK-capable driver is registered: vfio-pci,
                      uio_pci_generic or igb_uio
      vfio-noiommu    vfio-pci can only bind with an IOMMU (IOMMU groups) or
                      with vfio's unsafe no-IOMMU mode (module parameter
                      enable_unsafe_noiommu_mode); most EC2 instances expose
                      no IOMMU
      ena-driver      the ena kernel driver, needed to give devices back
      ena-devices     the ENA devices, their drivers, and whether one is free
                      of the default route (the management interface)
      unbound-devices ENA devices left without any driver
      hugepages       pools per NUMA node, and whether each device's node
                      has some
      write-combining ENA's low-latency queues need write-combining, which
                      stock vfio-pci does not map

OPTIONS
    --offline          Do the local preflight even if a daemon answers.
                       Implied by --sysfs-root and --proc-root.
    --sysfs-root DIR   Read DIR as if it were /sys (default /sys).
    --proc-root DIR    Read DIR as if it were /proc (default /proc).
${connectionHelp(10)}

JSON
    {"version": 1, "source": "daemon" | "sysfs", "blocking": BOOL,
     "checks": [{"name", "severity": "ok"|"warn"|"fail", "message",
     "remedy"}], "facts": {...}} (docs/cli.md).

EXIT STATUS
    0   nothing blocks DPDK use (there may be warnings)
    4   at least one FAIL: DPDK cannot be used on this host as it stands
    3   DIR/bus/pci/devices does not exist (local preflight)
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent doctor
    eni-agent doctor --json | jq '.checks[] | select(.severity != "ok")'
    eni-agent doctor --offline --sysfs-root /tmp/host/sys --proc-root /tmp/host/proc
`;

const FLAGS = {
  ...CONNECTION_FLAGS,
  offline: { type: "boolean" },
  "sysfs-root": { type: "string" },
  "proc-root": { type: "string" },
} as const;

interface Diagnosis {
  source: "daemon" | "sysfs";
  checks: Finding[];
  facts: unknown;
  text: string;
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("doctor", argv, FLAGS);
  noArguments("doctor", positionals);
  const sysfsRoot = values["sysfs-root"] ?? "/sys";
  const procRoot = values["proc-root"] ?? "/proc";
  const local = () => fromSysfs(sysfsRoot, procRoot);
  let diagnosis: Diagnosis;
  if (values.offline || values["sysfs-root"] !== undefined || values["proc-root"] !== undefined) {
    if (values.address !== undefined)
      throw usage("doctor", "--address asks the daemon: drop --offline and the roots");
    diagnosis = await local();
  } else {
    const { endpoint, timeoutMs } = connectionOf("doctor", values, io, 10);
    diagnosis = await fromDaemonOrLocal(endpoint, timeoutMs, io, {
      daemon: () => fromDaemon(endpoint, timeoutMs, io),
      local,
      failed: "gave no report",
      instead: "checking this host from sysfs",
    });
  }
  const blocking = diagnosis.checks.some((c) => c.severity === "fail");
  io.stdout.write(
    values.json
      ? `${JSON.stringify({ version: 1, source: diagnosis.source, blocking, checks: diagnosis.checks, facts: diagnosis.facts }, null, 2)}\n`
      : renderFindings(diagnosis.checks) + diagnosis.text,
  );
  if (!blocking) return EXIT_OK;
  const n = diagnosis.checks.filter((c) => c.severity === "fail").length;
  io.stderr.write(`eni-agent doctor: ${n} finding(s) block DPDK use on this host (FAIL above)\n`);
  return EXIT_PRECONDITION;
}

async function fromDaemon(endpoint: Endpoint, timeoutMs: number, io: CliIo): Promise<Diagnosis> {
  const [{ withDaemon }, { hostReportJson }] = await Promise.all([
    import("../daemon/open-daemon.js"),
    import("../daemon/to-json.js"),
  ]);
  const report = await withDaemon(endpoint, { timeoutMs }, async (client) =>
    hostReportJson(await client.getHostReport({ signal: io.signal })),
  );
  const checks = report.checks.map((c) => ({
    name: c.name,
    // A severity newer than this command counts as a warning, never as fine.
    severity: (["ok", "warn", "fail"].includes(c.severity) ? c.severity : "warn") as Severity,
    message: c.message,
    remedy: c.remedy,
  }));
  return { source: "daemon", checks, facts: report, text: renderDaemonFacts(report) };
}

async function fromSysfs(sysfsRoot: string, procRoot: string): Promise<Diagnosis> {
  const sysfs = new RealSysfs({ root: sysfsRoot, blockingReads: true });
  if (!(await sysfs.exists("bus/pci/devices"))) {
    throw new AgentError("NOT_FOUND", `${sysfs.root}/bus/pci/devices does not exist`, {
      path: "bus/pci/devices",
      remedy: "check --sysfs-root: it must name a sysfs tree (default /sys)",
    });
  }
  const routes = new RealDefaultRouteReader({ procRoot, blockingReads: true });
  const facts = await readLocalFacts({ sysfs, routes, procRoot });
  return { source: "sysfs", checks: localChecks(facts), facts, text: renderLocalFacts(facts) };
}
