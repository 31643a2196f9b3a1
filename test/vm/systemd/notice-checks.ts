/**
 * `systemctl stop eni-agent` while a spot notice is pending: the fake IMDS and
 * EC2 run as a unit of their own (fake-aws.ts), the agent reaches them through
 * its configuration's endpoints. The stop must run the release plan to its
 * end within TimeoutStopSec: the DPDK-bound device back with the kernel
 * before anything touches its ENI, and every owned ENI either deleted or
 * marked DeleteOnTermination (eth2's was marked when it was bound, so EC2
 * deletes it with the instance; eth1's is detached and deleted).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Checks } from "../kit/checks.js";
import { describeNic, readNic } from "../kit/nic-state.js";
import { FAKE_AWS_STATE, type FakeAwsState, fakeEniId, OWNER_TAG } from "./fake-aws.js";
import { NIC_PCI } from "./guest-files.js";
import { testConfig, writeConfig } from "./guest-setup.js";
import { daemonRecords, describe, journalTail, run, unitProp, until } from "./kit.js";

const OUT = "/run/eni-fake-aws.out";
const DROP_IN = "/run/systemd/system/eni-agent.service.d/fake-aws.conf";

export async function stopDuringNotice(checks: Checks): Promise<void> {
  try {
    await noticeThenStop(checks);
  } finally {
    // Back to the test's configuration for the checks that follow.
    run("systemctl", ["stop", "eni-fake-aws"]);
    rmSync(DROP_IN, { force: true });
    writeConfig(testConfig());
    run("sh", ["-ec", "systemctl daemon-reload && systemctl restart eni-agent"], {
      timeoutMs: 240_000,
    });
  }
}

async function noticeThenStop(checks: Checks): Promise<void> {
  rmSync(OUT, { force: true });
  const fake = run("systemd-run", [
    "--unit=eni-fake-aws",
    "--property=Type=exec",
    `--property=StandardOutput=file:${OUT}`,
    "/usr/bin/node",
    "/usr/lib/eni-vm/guest.mjs",
    "--child",
    "systemd-install",
    "fake-aws",
  ]);
  const up = await until(() => existsSync(OUT) && readFileSync(OUT, "utf8").includes("\n"), 60_000);
  if (fake.code !== 0 || !up) {
    checks.check("stop-during-notice: the fake IMDS and EC2 run as a unit", false, describe(fake));
    return;
  }
  const endpoints = JSON.parse(readFileSync(OUT, "utf8").split("\n")[0]!) as {
    imds: string;
    ec2: string;
    token: string;
  };
  mkdirSync("/run/systemd/system/eni-agent.service.d", { recursive: true });
  // The fake checks that requests are signed, not by whom; a host has its instance role.
  writeFileSync(
    DROP_IN,
    "[Service]\nEnvironment=AWS_ACCESS_KEY_ID=FAKE AWS_SECRET_ACCESS_KEY=fake\n",
  );
  writeConfig(noticeConfig(endpoints));
  const restart = run("sh", ["-ec", "systemctl daemon-reload && systemctl restart eni-agent"], {
    timeoutMs: 240_000,
  });
  const bind = run("eni-agent", ["bind", "eth2", "vfio-pci"]);
  const bound = readNic("/sys", "/dev", NIC_PCI[2]).driver;
  const notice = await fetch(`${endpoints.imds}/_sim/notice`, {
    method: "POST",
    headers: { "x-eni-agent-sim-token": endpoints.token, "content-type": "application/json" },
    body: JSON.stringify({ kind: "spot", inSeconds: 120 }),
  });
  const seen = await until(
    () => daemonRecords().some((r) => r.line.msg === "termination notice"),
    30_000,
  );
  const stop = run("systemctl", ["stop", "eni-agent"], { timeoutMs: 200_000 });
  const result = unitProp("eni-agent", "Result");
  const nic = readNic("/sys", "/dev", NIC_PCI[2]);
  await new Promise((r) => setTimeout(r, 200));
  const state = existsSync(FAKE_AWS_STATE)
    ? (JSON.parse(readFileSync(FAKE_AWS_STATE, "utf8")) as FakeAwsState)
    : { requests: [], enis: [] };
  const records = daemonRecords();
  const noticeAt = records.findIndex((r) => r.line.msg === "termination notice");
  const restoredAt = records
    .slice(Math.max(0, noticeAt))
    .find(
      (r) => r.line.msg === "end" && r.line.device === NIC_PCI[2] && r.line.status === "committed",
    );
  const restoredMs = restoredAt
    ? Number(restoredAt.fields.__REALTIME_TIMESTAMP) / 1000
    : Number.NaN;
  const owned = [fakeEniId(1), fakeEniId(2)];
  const released = owned.every((id) => {
    const eni = state.enis.find((e) => e.id === id);
    return eni === undefined || eni.deleteOnTermination;
  });
  // Requests after the notice that name eth2's ENI, or may (a detach names an attachment).
  const noticeMs =
    noticeAt >= 0 ? Number(records[noticeAt]!.fields.__REALTIME_TIMESTAMP) / 1000 : 0;
  const touched = state.requests.filter(
    (r) =>
      r.atMs >= noticeMs &&
      (r.eni === fakeEniId(2) || (r.action === "DetachNetworkInterface" && r.eni === null)),
  );
  const eth1Deleted = !state.enis.some((e) => e.id === fakeEniId(1));
  const eth2 = state.enis.find((e) => e.id === fakeEniId(2));
  // Marked and still attached: nothing detached it (before or after its device came back).
  const eth2Marked = eth2?.deleteOnTermination === true && eth2.status === "in-use";
  const stopS = (stop.ms / 1000).toFixed(1);

  checks.check(
    "stop-during-notice: systemctl stop with a spot notice pending runs the release plan to its end within TimeoutStopSec, devices restored first",
    restart.code === 0 &&
      bind.code === 0 &&
      bound === "vfio-pci" &&
      notice.ok &&
      seen &&
      stop.code === 0 &&
      result === "success" &&
      stop.ms < 150_000 &&
      nic.driver === "e1000e" &&
      released &&
      eth1Deleted &&
      (eth2Marked || touched.every((r) => r.atMs >= restoredMs)),
    {
      restart: describe(restart),
      bind: describe(bind),
      notice: notice.status,
      seen,
      stop: describe(stop),
      result,
      nic: describeNic(nic),
      requests: state.requests,
      enis: state.enis,
      restoredMs,
      touched,
      journal: journalTail("eni-agent.service", 40),
    },
    `stop took ${stopS} s (TimeoutStopSec 150 s); EC2 saw ${state.requests.map((r) => r.action).join(", ")}; eth1's ENI ${eth1Deleted ? "deleted" : "left"}, eth2's ${eth2Marked ? "marked DeleteOnTermination" : "not marked"}`,
  );
  run("systemctl", ["stop", "eni-fake-aws"]);
  rmSync(DROP_IN, { force: true });
  writeConfig(testConfig());
  run("sh", ["-ec", "systemctl daemon-reload && systemctl start eni-agent"], {
    timeoutMs: 240_000,
  });
}

/** The configuration of the stop-during-notice check: IMDS and EC2 from the fakes, fast polls. */
export function noticeConfig(endpoints: { imds: string; ec2: string }): Record<string, unknown> {
  return testConfig({
    imds: {
      enabled: true,
      endpoint: endpoints.imds,
      spotIntervalMs: 1000,
      asgIntervalMs: 1000,
      scheduledIntervalMs: 1000,
      rebalanceIntervalMs: 1000,
    },
    ec2: { region: "us-east-1", endpoint: endpoints.ec2, ownerTag: OWNER_TAG },
    // Long enough that the stop comes while the plan waits for DPDK applications.
    termination: { dpdkGraceMs: 20_000 },
  });
}
