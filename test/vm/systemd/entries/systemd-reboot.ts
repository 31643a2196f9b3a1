/**
 * Second boot of the systemd guest, on the disk the first one left: the
 * binding persisted there is applied at boot, and dpdk-app.service (After= and
 * Requires=eni-agent.service) finds its device already on vfio-pci. Reports
 * how long the unit takes from its start to boot bindings done.
 */
import { existsSync, readFileSync } from "node:fs";
import type { GuestContext, GuestResult } from "../../guest-entry.js";
import { Checks } from "../../kit/checks.js";
import { describeNic, readNic } from "../../kit/nic-state.js";
import { NIC_PCI } from "../guest-files.js";
import { daemonRecords, journalTail, timed, unitMonotonicUs, unitProp, until } from "../kit.js";

export const configs = ["viommu"] as const;
export const timeoutMs = 600_000;

export async function run(ctx: GuestContext): Promise<GuestResult[]> {
  const checks = new Checks();
  await timed(checks, ctx, "boot-binding", () => bootBinding(checks));
  return checks.results;
}

async function bootBinding(checks: Checks): Promise<void> {
  // This program starts with the boot, not after it: dpdk-app.service (a
  // oneshot) may still be running when it gets here.
  await until(() => ["active", "failed"].includes(unitProp("dpdk-app", "ActiveState")), 120_000);
  const nic = readNic("/sys", "/dev", NIC_PCI[2]);
  const saw = existsSync("/run/dpdk-app-saw")
    ? readFileSync("/run/dpdk-app-saw", "utf8").trim()
    : "";
  const agentStart = unitMonotonicUs("eni-agent", "InactiveExit");
  const agentExec = unitMonotonicUs("eni-agent", "ExecMainStart");
  const agentActive = unitMonotonicUs("eni-agent", "ActiveEnter");
  const appStart = unitMonotonicUs("dpdk-app", "ExecMainStart");
  const records = daemonRecords();
  const at = (msg: string) => records.find((r) => r.line.msg === msg)?.monotonicUs ?? Number.NaN;
  const starting = at("starting");
  const recovered =
    records.find((r) => r.line.msg === "started" && r.line.hook === "journal-recovery")
      ?.monotonicUs ?? Number.NaN;
  const applied = at("desired binding applied");
  const done = at("start-up done");
  const ms = (us: number) => `${Math.round(us / 1000)} ms`;
  const report = [
    `unit start (ExecStartPre) → node running: ${ms(agentExec - agentStart)}`,
    `unit start → daemon's first log line ("starting"): ${ms(starting - agentStart)}`,
    `unit start → journal recovered: ${ms(recovered - agentStart)}`,
    `unit start → binding applied: ${ms(applied - agentStart)}`,
    `unit start → boot bindings done ("start-up done"): ${ms(done - agentStart)}`,
    `unit start → unit active (ready seen by ExecStartPost): ${ms(agentActive - agentStart)}`,
    `unit active → dpdk-app started: ${ms(appStart - agentActive)}`,
    `kernel start → multi-user.target: ${ms(unitMonotonicUs("multi-user.target", "ActiveEnter"))}`,
  ].join("\n");
  checks.check(
    "boot-binding: the persisted binding is applied at boot before dpdk-app.service starts, which finds its device on vfio-pci",
    nic.driver === "vfio-pci" &&
      saw.endsWith("/vfio-pci") &&
      unitProp("dpdk-app", "Result") === "success" &&
      appStart >= agentActive &&
      done <= agentActive,
    [
      describeNic(nic),
      `dpdk-app saw ${JSON.stringify(saw)}; its unit ${unitProp("dpdk-app", "ActiveState")}, result ${unitProp("dpdk-app", "Result")}`,
      journalTail("dpdk-app.service", 10),
      report,
      journalTail(),
    ].join("\n"),
    report,
  );
  checks.check(
    "boot-binding: eni-agent is active after boot, without restarts",
    unitProp("eni-agent", "ActiveState") === "active" && unitProp("eni-agent", "NRestarts") === "0",
    journalTail(),
  );
}
