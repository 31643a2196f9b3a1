/**
 * Checks of the unit's life: reload with a good and a broken configuration,
 * a SIGKILL in the middle of a bind (systemd restarts it, the journal is
 * resolved before the API serves), every documented configuration started
 * under the unit, and a persisted binding with a DPDK application for the
 * next boot.
 */
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Checks } from "../kit/checks.js";
import { describeNic, readNic } from "../kit/nic-state.js";
import type { DocumentedConfig } from "./doc-blocks.js";
import { NIC_MACS, NIC_PCI } from "./guest-files.js";
import { CONFIG_PATH, LIB, testConfig, writeConfig } from "./guest-setup.js";
import { daemonRecords, describe, journalTail, run, unitProp, until } from "./kit.js";

const uptimeUs = () => Math.round(Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1e6);
const logged = (msg: string, sinceUs: number) => () =>
  daemonRecords().some((r) => r.monotonicUs >= sinceUs && r.line.msg === msg);

function configHealthy(): boolean | null {
  const v = run("eni-agent", ["version", "--json"]);
  try {
    const doc = JSON.parse(v.stdout) as {
      daemon: { components: { name: string; healthy: boolean }[] };
    };
    return doc.daemon.components.find((c) => c.name === "config")?.healthy ?? null;
  } catch {
    return null;
  }
}

export async function reload(checks: Checks): Promise<void> {
  const t0 = uptimeUs();
  writeConfig(testConfig({ logLevel: "debug" }));
  const good = run("systemctl", ["reload", "eni-agent"]);
  const applied = await until(logged("configuration reloaded", t0), 20_000);
  checks.check(
    "reload: systemctl reload applies a changed configuration",
    good.code === 0 && applied,
    `${describe(good)}\n${journalTail()}`,
  );
  const t1 = uptimeUs();
  writeConfig('{ "listeners": ');
  const broken = run("systemctl", ["reload", "eni-agent"]);
  const refused = await until(logged("configuration refused; the running one stays", t1), 20_000);
  const unhealthy = configHealthy() === false;
  const active = unitProp("eni-agent", "ActiveState");
  writeConfig(testConfig());
  const back = run("systemctl", ["reload", "eni-agent"]);
  const healthy = await until(() => configHealthy() === true, 20_000);
  checks.check(
    "reload: a broken configuration is refused and logged, the old one keeps running",
    broken.code === 0 && refused && unhealthy && active === "active" && back.code === 0 && healthy,
    { refused, unhealthy, active, healthy, journal: journalTail() },
  );
}

/** The journal's records from `offset` bytes on: [{type, op id}]. */
function journalFrom(offset: number): { type: string; id: string }[] {
  const path = "/var/lib/eni-agent/journal.log";
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8").slice(offset);
  const out: { type: string; id: string }[] = [];
  for (const line of text.split("\n")) {
    const json = line.slice(line.indexOf(" ") + 1);
    try {
      const r = JSON.parse(json) as {
        type: string;
        op?: { id: string };
        id?: string;
        operationId?: string;
      };
      out.push({ type: r.type, id: r.op?.id ?? r.operationId ?? r.id ?? "" });
    } catch {
      // a line being written
    }
  }
  return out;
}

/**
 * SIGKILL in the middle of a bind. The daemon is stopped (SIGSTOP) as soon as
 * the journal shows the operation begun, so the kill lands between "begin"
 * and "end" for sure; a bind that outran the stop is restored and tried again.
 */
export async function killMidBind(checks: Checks): Promise<void> {
  const journal = "/var/lib/eni-agent/journal.log";
  let caught: { id: string; pid: number } | null = null;
  const notes: string[] = [];
  for (let attempt = 1; attempt <= 3 && caught === null; attempt++) {
    const pid = Number(unitProp("eni-agent", "MainPID"));
    const offset = existsSync(journal) ? readFileSync(journal).length : 0;
    const child = spawn("eni-agent", ["bind", "eth2", "vfio-pci"], { stdio: "ignore" });
    const exited = new Promise((r) => child.once("exit", r));
    // The CLI alone takes seconds to start under emulation on a busy host.
    const end = performance.now() + 120_000;
    let begun: string | null = null;
    while (begun === null && performance.now() < end) {
      begun = journalFrom(offset).find((r) => r.type === "begin")?.id ?? null;
      if (begun === null) await new Promise((r) => setImmediate(r));
    }
    if (begun === null) {
      notes.push(`attempt ${attempt}: no begin record within 120 s`);
      child.kill();
      break;
    }
    process.kill(pid, "SIGSTOP");
    const ended = journalFrom(offset).some((r) => r.type === "end" && r.id === begun);
    if (!ended) {
      caught = { id: begun, pid };
      break;
    }
    notes.push(`attempt ${attempt}: ${begun} ended before the stop landed`);
    process.kill(pid, "SIGCONT");
    await exited;
    run("eni-agent", ["restore", NIC_MACS[2]]);
  }
  if (caught === null) {
    checks.check(
      "sigkill-mid-bind: a bind interrupted by SIGKILL is recovered",
      false,
      notes.join("\n"),
    );
    return;
  }
  const restartsBefore = Number(unitProp("eni-agent", "NRestarts"));
  const kill = run("systemctl", ["kill", "-s", "SIGKILL", "eni-agent"]);
  const restarted = await until(
    () =>
      Number(unitProp("eni-agent", "NRestarts")) === restartsBefore + 1 &&
      unitProp("eni-agent", "ActiveState") === "active" &&
      Number(unitProp("eni-agent", "MainPID")) !== caught!.pid,
    // Past the unit's TimeoutStartSec (180 s): the restart's ExecStartPost
    // waits for readiness, which under emulation on a loaded host took over 120 s.
    200_000,
  );
  const invocation = unitProp("eni-agent", "InvocationID");
  const records = daemonRecords().filter((r) => r.invocation === invocation);
  const recoveredAt = records.findIndex(
    (r) => r.line.msg === "recovered operation" && r.line.op === caught!.id,
  );
  const listeningAt = records.findIndex((r) => r.line.msg === "gRPC server listening");
  const state = readNic("/sys", "/dev", NIC_PCI[2]);
  const consistent =
    (state.driver === "vfio-pci" && state.override === "vfio-pci\n") ||
    (state.driver === "e1000e" &&
      state.override === "(null)\n" &&
      state.net.some((n) => n.mac === NIC_MACS[2]));
  const status = recoveredAt >= 0 ? String(records[recoveredAt]!.line.status) : "-";
  checks.check(
    "sigkill-mid-bind: systemd restarts the killed daemon, which resolves the bind before it serves",
    kill.code === 0 && restarted && recoveredAt >= 0 && listeningAt > recoveredAt && consistent,
    {
      restarted,
      recoveredAt,
      listeningAt,
      state: describeNic(state),
      msgs: records.map((r) => r.line.msg),
      notes,
    },
    `operation ${caught.id} ${status} by the restarted daemon; ${describeNic(state)}`,
  );
  if (state.driver !== "e1000e") run("eni-agent", ["restore", NIC_MACS[2]]);
}

/**
 * Every configuration the documentation shows starts under the shipped unit.
 * The last one stays running: the next check (stop-during-notice) restarts
 * the daemon with its own configuration.
 */
export async function documentedConfigs(checks: Checks): Promise<void> {
  const configs = JSON.parse(
    readFileSync(`${LIB}/documented-configs.json`, "utf8"),
  ) as DocumentedConfig[];
  // The docs/daemon.md example names its TLS files here.
  cpSync(`${LIB}/tls`, "/etc/eni-agent/tls", { recursive: true });
  for (const config of configs) {
    writeConfig(config.text);
    const restart = run("systemctl", ["restart", "eni-agent"], { timeoutMs: 240_000 });
    // A manual restart resets the counter: any restart now is a crash after start.
    await new Promise((r) => setTimeout(r, 3_000));
    const active = unitProp("eni-agent", "ActiveState");
    const steady = unitProp("eni-agent", "NRestarts") === "0";
    checks.check(
      `documented-config: ${config.source} starts under the shipped unit`,
      restart.code === 0 && active === "active" && steady,
      `${describe(restart)}\n${active}, restarts since: ${unitProp("eni-agent", "NRestarts")}\n${journalTail()}`,
      `systemctl restart took ${restart.ms} ms`,
    );
  }
}

/**
 * For the next boot: the sample DPDK application (with a stand-in for the
 * application that records what it finds), and eth2 bound with --persist.
 */
export function persistForReboot(checks: Checks): void {
  const sample = "/usr/lib/node_modules/eni-agent/systemd/examples/dpdk-app.service";
  const have = existsSync(sample);
  if (have) copyFileSync(sample, "/etc/systemd/system/dpdk-app.service");
  mkdirSync("/etc/systemd/system/dpdk-app.service.d", { recursive: true });
  writeFileSync(
    "/etc/systemd/system/dpdk-app.service.d/eni-vm.conf",
    [
      "# The test's stand-in for the application: records the driver it finds.",
      "[Service]",
      "Type=oneshot",
      "RemainAfterExit=yes",
      "ExecStart=",
      `ExecStart=/bin/sh -c 'readlink -f /sys/bus/pci/devices/${NIC_PCI[2]}/driver > /run/dpdk-app-saw'`,
      "",
    ].join("\n"),
  );
  const enable = run("sh", ["-ec", "systemctl daemon-reload && systemctl enable dpdk-app.service"]);
  const bind = run("eni-agent", ["bind", "eth2", "vfio-pci", "--persist"]);
  // The harness kills qemu when the guest has not powered off 15 s after its
  // last result: what the next boot needs must be on the disk before that.
  // Without it, ext4 once kept the drop-in's name and lost its text (delayed
  // allocation), and the next boot ran the sample's own ExecStart.
  const synced = run("sync", []);
  const desired = existsSync("/var/lib/eni-agent/desired.json")
    ? readFileSync("/var/lib/eni-agent/desired.json", "utf8")
    : "";
  checks.check(
    "persist: the sample dpdk-app.service is installed and eth2 is bound with --persist for the next boot",
    have &&
      enable.code === 0 &&
      bind.code === 0 &&
      synced.code === 0 &&
      desired.includes(NIC_MACS[2]),
    `sample ${have ? "found" : `missing at ${sample}`}\nenable: ${describe(enable)}\nbind: ${describe(bind)}\nsync: ${describe(synced)}\n${desired}\nconfig ${CONFIG_PATH}`,
  );
}
